// npm run bench:push -- [--subs 10000] [--groups 25] [--samples 300] [--backend sqlite|postgres]
// Web Push sending, against a push endpoint on localhost (in this process, answering 201 at once):
//   - pushes per second and server CPU per push, for one message in each of `groups` groups whose members
//     have `subs` subscriptions between them (one device each): every push encrypted (aes128gcm), signed
//     (VAPID) and POSTed by the server's worker pool, as it would be to a browser's push service;
//   - message delivery latency p50/p99 between two live clients of a direct chat, without pushes in
//     flight and while those `subs` pushes are being made and sent, and the ratio of the two.
// The server runs as a child process (bench/lib/servers.ts), so its CPU is read from /proc without this
// process's clients and endpoint mixed in. Prints figures; never fails on time.
import { createECDH, randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { openDb } from '../../server/db/db.ts'
import { hashToken } from '../../server/auth/tokens.ts'
import { freshPostgresSchema } from '../../tests/fixtures/databases.ts'
import { HOST, startSori } from '../lib/servers.ts'
import { createGroup, inPool, signUpUsers, type BenchUser } from '../lib/sori-api.ts'
import { SyncClient } from '../lib/sync-client.ts'
import { cpuMicros } from '../lib/proc.ts'
import { fmt, percentile, ratio, Samples } from '../lib/stats.ts'

const { values: a } = parseArgs({
  options: {
    subs: { type: 'string', default: '10000' },
    groups: { type: 'string', default: '25' },
    samples: { type: 'string', default: '300' },
    backend: { type: 'string', default: 'sqlite' },
  },
})
const SUBS = Number(a.subs)
const GROUPS = Number(a.groups)
const SAMPLES = Number(a.samples)
if (!(SUBS >= GROUPS && GROUPS >= 1 && SUBS / GROUPS <= 499))
  throw new Error('--subs / --groups must be 1..499 members per group')
/** between two latency probes: a steady trickle of messages, not a flood */
const PROBE_GAP_MS = 10

// the push endpoint: takes every POST and answers 201 as a push service does. In a thread of its own at a
// lower priority: a real push service runs elsewhere, so its work should not take the cores from the
// server's event loop or from the clients whose latency is measured.
const counter = new Int32Array(new SharedArrayBuffer(4))
const endpointThread = new Worker(
  `
const { workerData, parentPort } = require('node:worker_threads')
const { createServer } = require('node:http')
try { require('node:os').setPriority(10) } catch {}
const count = new Int32Array(workerData.counter)
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    Atomics.add(count, 0, 1)
    res.writeHead(201)
    res.end()
  })
})
server.listen(0, workerData.host, () => parentPort.postMessage(server.address().port))
`,
  { eval: true, workerData: { counter: counter.buffer, host: HOST } },
)
const endpointPort = await new Promise<number>((r) => endpointThread.once('message', r))
const endpointUrl = `http://${HOST}:${endpointPort}`
const received = (): number => Atomics.load(counter, 0)

const dir = mkdtempSync(join(tmpdir(), 'sori-bench-push-'))
const pg =
  a.backend === 'postgres'
    ? await freshPostgresSchema(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'bench_push')
    : null
const databaseUrl = pg?.url ?? join(dir, 'sori.db')
process.env.SORI_PUSH_ALLOW_HTTP = '1'
const server = await startSori(databaseUrl)
const { port } = server

try {
  const run = randomBytes(3).toString('hex')
  // the subscribers, written straight into the database (signing up 10,000 users hashes 10,000 passwords):
  // one user, one session and one subscription each, all at the local endpoint
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const p256dh = ecdh.getPublicKey().toString('base64url')
  const auth = randomBytes(16).toString('base64url')
  const subscribers: string[] = []
  const db = await openDb(databaseUrl)
  const now = Date.now()
  await db.tx(async (q) => {
    for (let i = 0; i < SUBS; i++) {
      const id = `p${run}${String(i).padStart(5, '0')}`.slice(0, 12)
      subscribers.push(id)
      const session = hashToken(randomBytes(32).toString('base64url'))
      await q.run('INSERT INTO users (id, handle, name, status, pass, lang, created) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        `pb${run}_${i}`,
        `Sub ${i}`,
        '',
        '',
        ['ko', 'en', 'th', 'de'][i % 4],
        now,
      ])
      await q.run('INSERT INTO sessions (token_hash, user_id, device, created, seen) VALUES (?, ?, ?, ?, ?)', [
        session,
        id,
        'bench',
        now,
        now,
      ])
      await q.run(
        'INSERT INTO push_subs (session_id, user_id, endpoint, p256dh, auth, lang, previews, created) VALUES (?, ?, ?, ?, ?, ?, 1, ?)',
        [session, id, `${endpointUrl}/p/${i}`, p256dh, auth, ['ko', 'en', 'th', 'de'][i % 4], now],
      )
    }
  })
  await db.close()

  const [sender, x, y] = await signUpUsers(port, 3, `pushbench${run}_`)
  const per = SUBS / GROUPS
  const groups = await inPool(
    Array.from({ length: GROUPS }, (_, g) => g),
    4,
    (g) =>
      createGroup(
        port,
        sender,
        subscribers.slice(g * per, (g + 1) * per).map((id): BenchUser => ({ id, token: '' })),
        `Group ${g}`,
      ),
  )
  const direct = (await (
    await fetch(`http://${HOST}:${port}/api/chats/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${x.token}` },
      body: JSON.stringify({ userId: y.id }),
    })
  ).json()) as Chat

  const client = async (token: string, doc: string) => {
    const c = new SyncClient(`ws://${HOST}:${port}/sync/${doc}?token=${encodeURIComponent(token)}`, new Y.Doc(), {
      watchLocal: false,
    })
    await c.whenSynced()
    return c
  }
  const senders = await Promise.all(groups.map((g) => client(sender.token, pageDoc(g, 0))))
  const xc = await client(x.token, pageDoc(direct.id, 0))
  const yc = await client(y.token, pageDoc(direct.id, 0))

  // delivery latency, x → y: one message at a time, PROBE_GAP_MS apart
  const sentAt = new Map<string, number>()
  let arrived: (() => void) | null = null
  let current = new Samples()
  yc.doc.getArray<ChatMessage>(ROOTS.page.msgs).observe((e) => {
    for (const item of e.changes.added)
      for (const m of item.content.getContent() as ChatMessage[]) {
        const t = sentAt.get(m.id)
        if (t === undefined) continue
        current.push(performance.now() - t)
        sentAt.delete(m.id)
        arrived?.()
      }
  })
  let seq = 0
  const probe = async (): Promise<void> => {
    const m: ChatMessage = {
      id: `b${run}x${(seq++).toString(36)}`,
      from: x.id,
      ts: Date.now(),
      kind: 'text',
      body: `probe ${seq}`,
    }
    const got = new Promise<void>((r) => (arrived = r))
    sentAt.set(m.id, performance.now())
    xc.write(() => xc.doc.getArray<ChatMessage>(ROOTS.page.msgs).push([m]))
    await Promise.race([got, sleep(30_000)])
    await sleep(PROBE_GAP_MS)
  }
  const probes = async (n: number, more: () => boolean = () => false): Promise<Float64Array> => {
    current = new Samples()
    for (let i = 0; i < n || more(); i++) await probe()
    return current.values().slice()
  }

  for (let i = 0; i < 50; i++) await probe() // warm-up
  await server.pauses() // the next window starts here
  const cpuQuiet0 = cpuMicros(server.pid)
  const quiet = await probes(SAMPLES)
  const cpuPerProbe = (cpuMicros(server.pid) - cpuQuiet0) / quiet.length

  // one message in each group: SUBS pushes, while the probes go on
  const quietLoop = await server.pauses()
  await sleep(200)
  await server.pauses()
  const cpu0 = cpuMicros(server.pid)
  const t0 = performance.now()
  let t1 = 0
  const done = (async () => {
    while (received() < SUBS) await sleep(5)
    t1 = performance.now()
  })()
  for (const [i, c] of senders.entries())
    c.write(() =>
      c.doc
        .getArray<ChatMessage>(ROOTS.page.msgs)
        .push([{ id: `g${run}x${i}`, from: sender.id, ts: Date.now(), kind: 'text', body: `news ${i}` }]),
    )
  const busy = await probes(0, () => received() < SUBS)
  await done
  const cpu1 = cpuMicros(server.pid)
  const busyLoop = await server.pauses()
  const seconds = (t1 - t0) / 1000
  const cpuMs = (cpu1 - cpu0) / 1000
  const probeCpuMs = (busy.length * cpuPerProbe) / 1000

  const [q50, q99, b50, b99] = [percentile(quiet, 50), percentile(quiet, 99), percentile(busy, 50), percentile(busy, 99)]
  console.log(`bench:push  ${a.backend}  node ${process.version}  ${cpus().length} cpus  load ${loadavg()[0].toFixed(2)}`)
  console.log(`pushes: ${SUBS} subscriptions in ${GROUPS} groups of ${per}, one message each, concurrency 16 (default)`)
  console.log(`  sent and answered:   ${received()} in ${fmt(seconds, 2)} s = ${fmt(SUBS / seconds, 0)} pushes/s`)
  console.log(
    `  server CPU:          ${fmt(cpuMs, 0)} ms = ${fmt((cpuMs / SUBS) * 1000, 0)} µs per push (${fmt(((cpuMs - probeCpuMs) / SUBS) * 1000, 0)} µs without the ${busy.length} probe messages' own cost)`,
  )
  console.log(`delivery latency x → y (ms), ${PROBE_GAP_MS} ms between messages:`)
  console.log(`  no pushes in flight:          n=${quiet.length}  p50 ${fmt(q50, 2)}  p99 ${fmt(q99, 2)}`)
  console.log(`  while ${SUBS} pushes are sent: n=${busy.length}  p50 ${fmt(b50, 2)}  p99 ${fmt(b99, 2)}`)
  console.log(`  ratio (with / without):       p50 ${ratio(b50, q50)}  p99 ${ratio(b99, q99)}`)
  console.log(`server event loop delay of a 2 ms timer (ms), and GC:`)
  for (const [what, l] of [
    ['no pushes in flight', quietLoop],
    ['while pushes are sent', busyLoop],
  ] as const)
    console.log(
      `  ${what.padEnd(22)} p50 ${fmt(l.loopP50, 2)}  p99 ${fmt(l.loopP99, 2)}  max ${fmt(l.loopMax, 2)}  busy ${fmt(l.loopBusy * 100, 0)}%  GC ${l.gc.count} pauses, max ${fmt(l.gc.maxMs, 1)} ms`,
    )
  for (const c of [...senders, xc, yc]) c.close()
} finally {
  await server.stop()
  await endpointThread.terminate()
  await pg?.drop()
  rmSync(dir, { recursive: true, force: true })
}
