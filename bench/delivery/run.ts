// npm run bench:delivery -- [--chats 100] [--members 4] [--rate 5000] [--warmup 3] [--duration 10]
//   [--repeat 3] [--backend sqlite|postgres] [--users N] [--only sori|stock|relay] [--inbox] [--threads 1] [--pin] [--no-acks] [--nice 0]
//   [--against <another checkout of Sori>] [--capture] [--perf] [--relay] [--nodes 1] [--routed] [--stock-memory]
// Delivery throughput, latency and server cost of Sori vs the stock y-websocket server (or vs another build
// of Sori: --against; or, with --nodes N, Sori as N nodes on Postgres + Redis vs one node), same load, same run.
// See bench/README.md for what each figure means.
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { startRelay, startSori, startStock, type ServerChild } from '../lib/servers.ts'
import { signUpUsers, createGroup, inPool, type BenchUser } from '../lib/sori-api.ts'
import { freshPostgresSchema } from '../../tests/fixtures/databases.ts'
import { median, fmt, ratio } from '../lib/stats.ts'
import { pinSelf, cpuMicros } from '../lib/proc.ts'
import { captureUnavailable } from '../lib/capture.ts'
import { PERF_PARTS, perfUnavailable, type PerfPart } from '../lib/perf.ts'
import { measureHostNoise } from '../lib/host-noise.ts'
import { runWindow, type ChatSpec, type LoadOptions, type WindowResult } from './load.ts'
import { onOneNode, place, routed, startNodes, type NodesUnderTest } from './nodes.ts'

const { values: a } = parseArgs({
  allowNegative: true,
  options: {
    chats: { type: 'string', default: '100' },
    members: { type: 'string', default: '4' },
    rate: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    drain: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'sqlite' },
    users: { type: 'string' },
    only: { type: 'string' },
    inbox: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
    acks: { type: 'boolean', default: true },
    nice: { type: 'string', default: '0' },
    against: { type: 'string' },
    capture: { type: 'boolean', default: false },
    perf: { type: 'boolean', default: false },
    relay: { type: 'boolean', default: false },
    'stock-memory': { type: 'boolean', default: false },
    nodes: { type: 'string', default: '1' },
    routed: { type: 'boolean', default: false },
  },
})

const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in ${min}..${max} (got ${v})`)
  return n
}
const R = num('chats', a.chats, 1, 5000)
const M = num('members', a.members, 2, 100)
const opts: LoadOptions = {
  members: M,
  rate: num('rate', a.rate, 1, 100_000),
  warmupS: num('warmup', a.warmup, 0, 600),
  durationS: num('duration', a.duration, 1, 600),
  drainS: num('drain', a.drain, 1, 120),
  inbox: a.inbox === true,
  threads: num('threads', a.threads, 1, 16),
  acks: a.acks !== false,
  nice: num('nice', a.nice, 0, 19),
  capture: a.capture === true,
  perf: a.perf === true,
}
if (opts.capture) {
  const why = captureUnavailable()
  if (why) throw new Error(`--capture: ${why}`)
}
if (opts.perf) {
  const why = perfUnavailable()
  if (why) throw new Error(`--perf: ${why}`)
}
const repeat = num('repeat', a.repeat, 1, 50)
const users = num('users', a.users ?? String(R * M), M, 20_000)
const backend = a.backend
if (backend !== 'sqlite' && backend !== 'postgres') throw new Error('--backend is sqlite or postgres')
// --against <dir>: the reference is that checkout's Sori ('ref'), not stock
const against = a.against ? resolve(a.against) : null
if (against && a.only) throw new Error('--against and --only exclude each other')
if (a.only && a.only !== 'sori' && a.only !== 'stock' && a.only !== 'relay') throw new Error('--only is sori, stock or relay')
if (a.only === 'relay' && a.relay) throw new Error('--only relay and --relay: give one')
// --nodes N (N > 1): Sori as N nodes sharing one Postgres schema and one Redis ('nodes'), against one node
// ('sori', no Redis), in the same rotation (nodes.ts)
const N = num('nodes', a.nodes, 1, 8)
if (N > 1) {
  if (backend !== 'postgres') throw new Error('--nodes: several nodes share Postgres; give --backend postgres')
  if (!process.env.DATABASE_URL)
    throw new Error('--nodes: set DATABASE_URL to the Postgres database to use (e.g. postgres://postgres@127.0.0.1:5432/test)')
  if (against || a.only || a.relay || opts.capture || opts.perf)
    throw new Error('--nodes compares N nodes with one: without --against, --only, --relay, --capture or --perf')
}
// --relay: also the floor, a server that only forwards frames (relay-server.cjs), in the same rotation
const which =
  N > 1 ? ['sori', 'nodes'] : [...(a.only ? [a.only] : ['sori', against ? 'ref' : 'stock']), ...(a.relay ? ['relay'] : [])]
const isSori = (name: string) => name === 'sori' || name === 'ref' || name === 'nodes'

// Each repetition writes into fresh chats; one page holds PAGE_SIZE messages, and the bench writes page 0 only.
const perChat = (opts.rate / R) * (opts.warmupS + opts.durationS)
if (perChat > PAGE_SIZE) {
  throw new Error(
    `${Math.round(perChat)} messages per chat per repetition would overflow page 0 (${PAGE_SIZE}); raise --chats or shorten the run`,
  )
}
// A hard stop, whatever happens: setup, repetitions and drains, with room to spare.
const budgetS = 300 + repeat * which.length * (opts.warmupS + opts.durationS + opts.drainS + 60)
setTimeout(() => {
  console.error(`bench:delivery: stopped after ${budgetS} s (time limit)`)
  process.exit(2)
}, budgetS * 1000).unref()

// --pin: the server under test on core 0, the generator on the others. Off by default: on a 2-core
// machine Sori's own threads (the SQLite checkpointer, V8's GC helpers) then share one core with its
// event loop, which makes its figures worse (bench/README.md); on a bigger machine it keeps the
// generator's work off the server's core.
const pinned = a.pin === true && cpus().length >= 2 && pinSelf(`1-${cpus().length - 1}`)
if (pinned) process.env.BENCH_SERVER_CPUS = '0'

// Sori drops a chat's document SORI_DOC_IDLE_MS after its last socket leaves, and compacts its rows then
// (server/sync/compaction.ts). With the default 30 s, a repetition's 100 chats would come to rest inside a
// later window, Sori's or stock's (the two share the cores). 3 s lets it happen between windows, where
// settle() waits for it; a run can still set another value.
process.env.SORI_DOC_IDLE_MS ??= '3000'
const idleMs = Number(process.env.SORI_DOC_IDLE_MS)
/** performance.now() when the last window (and its drain) ended */
let lastWindowEnd = -Infinity
/** how long, before each window, one thread per core spins to measure the host's noise (host-noise.ts) */
const HOST_PROBE_MS = 2000
/** a window's figures, with the host's noise measured just before it */
type Row = WindowResult & { hostLost: number; hostOver5: number; hostMaxMs: number }

const line = (s = '') => console.log(s)
line(
  `bench:delivery  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cores (${cpus()[0]?.model ?? '?'})  load avg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
line(
  `load: ${R} chats × ${M} members = ${R * M} sockets, offered ${opts.rate} msg/s, warm-up ${opts.warmupS} s, window ${opts.durationS} s, ${repeat} repetitions, ${users} Sori users, backend ${backend}`,
)
if (opts.inbox)
  line(`inbox: every user also holds a socket on its inbox doc u:<id> (Sori writes previews and unread counts there)`)
line(
  `clients: lean y-websocket clients (raw ws + protocol/frames.ts + one real Y.Doc each) in ${opts.threads} worker thread(s) of this process`,
)
line(`generator's nice: ${opts.nice}${opts.nice > 0 ? ' (its threads, then every thread of this process)' : ''}`)
line(
  `between windows: Sori drops a repetition's chats ${idleMs} ms after their sockets close (SORI_DOC_IDLE_MS); each window waits for that and for every server to be quiet, then spins one thread per core for ${HOST_PROBE_MS / 1000} s to measure the host's noise`,
)
if (N > 1)
  line(
    `nodes: one Sori node (no Redis) against ${N} nodes on one Postgres schema and a private redis-server; each chat's home on node k = chat mod ${N} (created through its API, one receiver's socket opened there first), the members that write connect to another node (their updates come in through a relay), receivers on every node; the one node gets the same sockets and writers`,
  )
if (opts.capture)
  line("capture: tcpdump on the loopback, for latency on the wire (sender's segment → server's segment to each receiver)")
line(pinned ? `cores: server on core 0, generator on cores 1-${cpus().length - 1} (taskset)` : 'cores: not pinned')
line()

const servers: Record<string, ServerChild> = {}
const soriUsers: Record<string, BenchUser[]> = {}
const dropSchemas: Array<() => Promise<void>> = []
let cluster: NodesUnderTest | null = null
try {
  for (const name of which.filter(isSori)) {
    let url: string | undefined
    if (backend === 'postgres') {
      const s = await freshPostgresSchema(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'bench')
      url = s.url
      dropSchemas.push(s.drop)
    }
    let server: ServerChild
    if (name === 'nodes') {
      cluster = await startNodes(N, url!)
      server = cluster.servers[0]
      line(`redis: pid ${cluster.redis.pid}, port ${cluster.redis.port} (the bench's own, no persistence)`)
    } else
      // with --nodes, the one node must not join a cluster through a REDIS_URL of the environment
      server = servers[name] = await startSori(
        url,
        name === 'ref' ? against! : undefined,
        N > 1 ? { env: { REDIS_URL: '' } } : undefined,
      )
    const t = performance.now()
    soriUsers[name] = await signUpUsers(server.port, users, `b${Date.now().toString(36).slice(-5)}_`)
    line(
      `${server.label}: pid ${server.pid}, ${server.storage}; signed up ${users} users in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    if (name === 'nodes')
      for (const s of cluster!.servers.slice(1)) line(`${s.label}: pid ${s.pid}, ${s.storage} (the same schema and users)`)
  }
  if (which.includes('stock')) {
    servers.stock = await startStock(a['stock-memory'] === true)
    line(
      `stock: pid ${servers.stock.pid}, y-websocket@1.5.4 bin/utils.js ${a['stock-memory'] ? 'in memory (no persistence)' : '+ y-leveldb'}`,
    )
  }
  if (which.includes('relay')) {
    servers.relay = await startRelay()
    line(
      `relay: pid ${servers.relay.pid}, http + ws@8 forwarding each update frame to the other sockets on its path, nothing else`,
    )
  }
  line()

  const results: Record<string, Row[]> = { sori: [], stock: [], ref: [], relay: [], nodes: [] }
  for (let rep = 0; rep < repeat; rep++) {
    // alternate the order so that drift in the machine's other load does not favour one server
    const order = rep % 2 === 0 ? which : [...which].reverse()
    for (const name of order) {
      const nodes = name === 'nodes' ? cluster! : null
      const server = nodes ? nodes.servers[0] : servers[name]
      const specs = isSori(name) ? await soriChats(nodes?.servers ?? [server], soriUsers[name], rep) : stockChats(rep)
      await settle([...Object.values(servers), ...(cluster?.servers ?? [])])
      const host = await measureHostNoise(HOST_PROBE_MS)
      const tag = `r${rep}${name[0]}`
      const r = {
        ...(await runWindow(server, specs, opts, tag, nodes ? { servers: nodes.servers, redis: nodes.redis } : undefined)),
        hostLost: host.lostShare,
        hostOver5: host.over5ms,
        hostMaxMs: host.maxMs,
      }
      results[name].push(r)
      lastWindowEnd = performance.now()
      printRow(`#${rep + 1} ${r.server}`, r)
    }
  }

  line()
  line(`medians of ${repeat} repetitions`)
  const med: Record<string, Row> = {}
  for (const name of which) {
    const rs = results[name]
    const m = {} as Record<string, number | string | Row['perf']>
    for (const k of Object.keys(rs[0]) as Array<keyof Row>) {
      m[k] = typeof rs[0][k] === 'number' ? median(rs.map((r) => r[k] as number)) : rs[0][k]
    }
    // which commands: in each window's row
    m.redisTop = ''
    m.perf = opts.perf ? medianParts(rs) : null
    med[name] = m as unknown as Row
    printRow(`median ${med[name].server}`, med[name])
  }
  if (med.nodes) printNodeRatios(med.sori, med.nodes)
  const ref = med.stock ?? med.ref
  if (med.sori && ref) {
    line()
    line(
      med.stock
        ? `ratios Sori / stock (lower is better for Sori):`
        : `ratios this checkout / ${against} (lower is better for this checkout):`,
    )
    line(
      `  server CPU per delivered message  ${ratio(med.sori.cpuPerMessageUs, ref.cpuPerMessageUs)}   (${fmt(med.sori.cpuPerMessageUs)} µs vs ${fmt(ref.cpuPerMessageUs)} µs)`,
    )
    line(
      `  delivery latency p99              ${ratio(med.sori.latP99, ref.latP99)}   (${fmt(med.sori.latP99, 2)} ms vs ${fmt(ref.latP99, 2)} ms)`,
    )
    line(
      `  delivery latency p50              ${ratio(med.sori.latP50, ref.latP50)}   (${fmt(med.sori.latP50, 2)} ms vs ${fmt(ref.latP50, 2)} ms)`,
    )
    if (opts.capture) {
      line(
        `  latency on the wire p99           ${ratio(med.sori.wireP99, ref.wireP99)}   (${fmt(med.sori.wireP99, 2)} ms vs ${fmt(ref.wireP99, 2)} ms)`,
      )
      line(
        `  latency on the wire p50           ${ratio(med.sori.wireP50, ref.wireP50)}   (${fmt(med.sori.wireP50, 2)} ms vs ${fmt(ref.wireP50, 2)} ms)`,
      )
    }
    line(
      `  server RSS at window end          ${ratio(med.sori.rssMB, ref.rssMB)}   (${fmt(med.sori.rssMB)} MB vs ${fmt(ref.rssMB)} MB)`,
    )
    if (med.sori.perf && ref.perf) printPartsTable(med.sori.perf, ref.perf, med.stock ? 'stock' : 'reference')
  }
} finally {
  for (const s of Object.values(servers)) await s.stop()
  if (cluster) await cluster.stop()
  for (const drop of dropSchemas) await drop()
}

/**
 * Waits until the last window's chats have been dropped (idleMs after it ended) and no server under test
 * is busy (under 5% of a core over half a second), so that one window's aftermath does not fall into the
 * next one. At most 30 s.
 */
async function settle(all: ServerChild[]): Promise<void> {
  const until = performance.now() + 30_000
  await sleep(Math.max(0, lastWindowEnd + idleMs + 500 - performance.now()))
  while (performance.now() < until) {
    const before = all.map((s) => cpuMicros(s.pid))
    await sleep(500)
    const busy = all.map((s, i) => cpuMicros(s.pid) - before[i])
    if (busy.every((us) => us < 25_000)) return
  }
  line(`  (servers still busy after 30 s: ${all.map((s) => s.label).join(', ')})`)
}

/** Each part's median over the windows, µs per message. */
function medianParts(rs: Row[]): Record<PerfPart, number> {
  return Object.fromEntries(PERF_PARTS.map((p) => [p, median(rs.map((r) => r.perf?.[p] ?? NaN))])) as Record<PerfPart, number>
}

/** --perf: where the two servers' CPU per message goes, part by part (bench/lib/perf.ts). */
function printPartsTable(sori: Record<PerfPart, number>, ref: Record<PerfPart, number>, refName: string): void {
  const total = (x: Record<PerfPart, number>) => PERF_PARTS.reduce((s, p) => s + x[p], 0)
  line()
  line(`where the CPU per message goes (perf samples, medians of the windows; µs per message):`)
  line(`  ${'part'.padEnd(14)} ${'sori'.padStart(8)} ${refName.padStart(10)} ${'difference'.padStart(11)}`)
  for (const p of [...PERF_PARTS, 'all' as const]) {
    const [x, y] = p === 'all' ? [total(sori), total(ref)] : [sori[p], ref[p]]
    const diff = `${x - y >= 0 ? '+' : ''}${fmt(x - y)}`
    line(`  ${p.padEnd(14)} ${fmt(x).padStart(8)} ${fmt(y).padStart(10)} ${diff.padStart(11)}`)
  }
}

function printRow(label: string, r: Row): void {
  line(
    `${label}: achieved ${fmt(r.achieved, 0)}/${r.offered} msg/s, delivered ${fmt(r.deliveriesPerS, 0)}/s; ` +
      `latency p50 ${fmt(r.latP50, 2)} ms p99 ${fmt(r.latP99, 2)} ms max ${fmt(r.latMax, 1)} ms; ` +
      (opts.capture
        ? `on the wire p50 ${fmt(r.wireP50, 2)} ms p99 ${fmt(r.wireP99, 2)} ms max ${fmt(r.wireMax, 1)} ms (${r.wireMatched} of ${r.wireExpected} deliveries captured, ${r.captureDropped} segments dropped, ${r.captureGaps} streams cut); `
        : '') +
      (r.server.startsWith('sori')
        ? `ack p50 ${fmt(r.ackP50, 2)} ms p99 ${fmt(r.ackP99, 2)} ms; held in server p50 ${fmt(r.heldP50, 2)} ms p99 ${fmt(r.heldP99, 2)} ms; ` +
          `commits ${fmt(r.commitsPerS, 0)}/s of ${fmt(r.updatesPerCommit, 1)} updates, ${fmt(r.commitMs, 2)} ms each (${fmt(100 * r.commitShare, 0)}% of the window); `
        : '') +
      `server loop delay p99 ${fmt(r.serverLoopP99, 1)} ms max ${fmt(r.serverLoopMax, 1)} ms, busy ${fmt(100 * r.serverLoopBusy, 0)}% (on a core ${fmt(100 * r.serverMainOnCpu, 0)}%), GC ${fmt(r.serverGcMs, 0)} ms (longest ${fmt(r.serverGcMaxMs, 1)} ms); ` +
      `server ${fmt(r.cpuPerMessageUs)} µs CPU/msg (${fmt(r.cpuPerDeliveryUs)} µs/delivery, ${fmt(r.serverCores, 2)} cores), RSS ${fmt(r.rssMB, 0)} MB (peak ${fmt(r.peakRssMB, 0)}); ` +
      (r.pgCpuPerMessageUs > 0 ? `postgres ${fmt(r.pgCpuPerMessageUs)} µs CPU/msg; ` : '') +
      (Number.isFinite(r.redisCallsPerMessage)
        ? `redis ${fmt(r.redisCpuPerMessageUs)} µs CPU/msg, ${fmt(r.redisCallsPerMessage, 3)} commands/msg${r.redisTop ? ` (${r.redisTop})` : ''}, ${fmt(r.redisBytesPerMessage)} B/msg in+out; `
        : '') +
      `lost ${r.lost} dup ${r.duplicated}${r.server.startsWith('sori') ? ` unacked ${r.unacked}` : ''} closed ${r.closed} skipped ${r.skipped}; ` +
      `generator ${fmt(r.genCores, 2)} cores, loop p99 ${fmt(r.genLoopP99, 1)} ms; other processes ${fmt(r.otherCores, 2)} cores; ` +
      (r.perf ? `perf µs/msg: ${PERF_PARTS.map((p) => `${p} ${fmt(r.perf![p])}`).join(', ')}; ` : '') +
      `host just before: ${fmt(100 * r.hostLost, 1)}% of the cores lost, ${fmt(r.hostOver5, 0)} gaps > 5 ms, longest ${fmt(r.hostMaxMs, 1)} ms`,
  )
}

/**
 * Fresh chats for one repetition, created through `nodes[i mod nodes.length]`'s API. With --nodes, placed
 * as nodes.ts `place` says: over the nodes when there are several, all on the one node otherwise.
 */
async function soriChats(nodes: ServerChild[], soriUsers: BenchUser[], rep: number): Promise<ChatSpec[]> {
  const idx = Array.from({ length: R }, (_, i) => i)
  return inPool(idx, 8, async (i) => {
    // members of chat i: M consecutive users of the pool, shifted per repetition so that chats differ
    const members = Array.from({ length: M }, (_, k) => soriUsers[(i * M + k + rep) % soriUsers.length])
    // with several nodes, the node that creates the chat owns its home from then on
    const port = nodes[i % nodes.length].port
    const convId = await createGroup(port, members[0], members.slice(1), `bench ${rep}.${i}`)
    const spec: ChatSpec = { convId, members: members.map((u) => ({ userId: u.id, token: u.token })) }
    if (N === 1) return spec
    if (nodes.length === 1) return onOneNode(place(spec, i, N))
    return a.routed ? routed(spec, i, N) : place(spec, i, N)
  })
}

/** --nodes: N nodes against one, from the medians of the same run. */
function printNodeRatios(one: Row, many: Row): void {
  const pg = (r: Row) => (r.pgCpuPerMessageUs > 0 ? r.pgCpuPerMessageUs : 0)
  const redis = (r: Row) => (Number.isFinite(r.redisCpuPerMessageUs) ? r.redisCpuPerMessageUs : 0)
  const total = (r: Row) => r.cpuPerMessageUs + pg(r) + redis(r)
  line()
  line(`ratios ${N} nodes / 1 node (higher is what the nodes cost on top; one machine, so no scaling):`)
  line(
    `  Sori CPU per message (all nodes)  ${ratio(many.cpuPerMessageUs, one.cpuPerMessageUs)}   (${fmt(many.cpuPerMessageUs)} µs vs ${fmt(one.cpuPerMessageUs)} µs)`,
  )
  line(`  redis CPU per message             ${fmt(redis(many))} µs (1 node: no Redis)`)
  line(`  postgres CPU per message          ${ratio(pg(many), pg(one))}   (${fmt(pg(many))} µs vs ${fmt(pg(one))} µs)`)
  line(
    `  Sori + redis + postgres per msg   ${ratio(total(many), total(one))}   (${fmt(total(many))} µs vs ${fmt(total(one))} µs)`,
  )
  line(
    `  delivery latency p50              ${ratio(many.latP50, one.latP50)}   (${fmt(many.latP50, 2)} ms vs ${fmt(one.latP50, 2)} ms)`,
  )
  line(
    `  delivery latency p99              ${ratio(many.latP99, one.latP99)}   (${fmt(many.latP99, 2)} ms vs ${fmt(one.latP99, 2)} ms)`,
  )
  line(
    `  ack p99                           ${ratio(many.ackP99, one.ackP99)}   (${fmt(many.ackP99, 2)} ms vs ${fmt(one.ackP99, 2)} ms)`,
  )
  line(`  Sori RSS at window end (sum)      ${ratio(many.rssMB, one.rssMB)}   (${fmt(many.rssMB)} MB vs ${fmt(one.rssMB)} MB)`)
  line(
    `  redis per message                 ${fmt(many.redisCallsPerMessage, 3)} commands, ${fmt(many.redisBytesPerMessage)} B in+out (1 node: none)`,
  )
}

function stockChats(_rep: number): ChatSpec[] {
  const id = () =>
    randomBytes(9)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')
      .slice(0, 12)
  return Array.from({ length: R }, () => ({
    convId: id(),
    members: Array.from({ length: M }, () => ({ userId: id(), token: 'none' })),
  }))
}
