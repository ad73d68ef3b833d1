// npm run bench:memory -- [--sockets 10000] [--chats 2500] [--messages 10] [--users 1000] [--settle 30]
//   [--backend sqlite|postgres] [--only sori|stock|floor]
// Server memory for many idle sockets, above the server's own baseline, for Sori, the stock y-websocket
// server and the floor (a bare ws server that only holds sockets: what Node and ws cost by themselves)
// in the same run. Each socket is a lean y-websocket client (raw ws, one real Y.Doc)
// that does the sync handshake on its chat's page doc c:<conv>:0; all live in this one process.
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import * as Y from 'yjs'
import type { ChatMessage } from '../../protocol/messages.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { startSori, startStock, startFloor, HOST, type ServerChild } from '../lib/servers.ts'
import { signUpUsers, createGroup, inPool, type BenchUser } from '../lib/sori-api.ts'
import { SyncClient } from '../lib/sync-client.ts'
import { freshPostgresSchema } from '../../tests/fixtures/databases.ts'
import { memory, cpuMicros } from '../lib/proc.ts'
import { fmt, ratio } from '../lib/stats.ts'

const { values: a } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    chats: { type: 'string', default: '2500' },
    messages: { type: 'string', default: '10' },
    users: { type: 'string', default: '1000' },
    settle: { type: 'string', default: '30' },
    backend: { type: 'string', default: 'sqlite' },
    only: { type: 'string' },
  },
})
const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max} (got ${v})`)
  return n
}
const SOCKETS = num('sockets', a.sockets, 1, 15_000)
const CHATS = num('chats', a.chats, 1, SOCKETS)
const MESSAGES = num('messages', a.messages, 0, 1000)
const SETTLE_S = num('settle', a.settle, 1, 600)
const perChat = Math.ceil(SOCKETS / CHATS)
const USERS = num('users', a.users, perChat, 20_000)
const backend = a.backend
if (backend !== 'sqlite' && backend !== 'postgres') throw new Error('--backend is sqlite or postgres')
const which = a.only ? [a.only] : ['sori', 'stock', 'floor']
if (!which.every((w) => w === 'sori' || w === 'stock' || w === 'floor')) throw new Error('--only is sori, stock or floor')

const fdLimit = Number(execSync('sh -c "ulimit -n"').toString().trim())
if (fdLimit < SOCKETS + 500)
  throw new Error(`ulimit -n is ${fdLimit}: too few file descriptors for ${SOCKETS} sockets (raise it in your shell)`)
setTimeout(() => {
  console.error('bench:memory: stopped after 30 minutes (time limit)')
  process.exit(2)
}, 30 * 60_000).unref()

const line = (s = '') => console.log(s)
const MB = (b: number) => b / 2 ** 20

interface Result {
  label: string
  baselineMB: number
  connectedMB: number
  idleMB: number
  peakMB: number
  aboveMB: number
  perSocketKB: number
  connectS: number
  idleCpuCores: number
  refused: number
  /** after a full GC in the server: RSS and V8 heap + external (off-heap buffers), above the same at baseline */
  gcRssAboveMB: number
  gcHeapAboveMB: number
  /** V8 heap committed after the GC, above baseline (RSS follows this, not what is live in it) */
  gcHeapTotalAboveMB: number
  /**
   * V8's new space (the young generation) after the GC, above baseline: Sori's baseline, read after the
   * sign-ups, holds a new space they grew to 32 MB, which V8 may give back when the server is quiet
   */
  newSpaceMB: number
  /** aboveMB with the new space as it was at baseline: what the sockets and their chats cost */
  aboveSameNewMB: number
}

line(
  `bench:memory  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cores  load avg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}  ulimit -n ${fdLimit}`,
)
line(
  `${SOCKETS} idle sockets on ${CHATS} chats (${perChat} per chat), ${MESSAGES} messages per chat, settle ${SETTLE_S} s; backend ${backend}; Sori users ${USERS}`,
)
line(`clients: lean y-websocket clients (raw ws + protocol/frames.ts + one real Y.Doc per socket) in this one process`)
line()

const results: Result[] = []
for (const name of which) {
  let server: ServerChild | null = null
  let drop: (() => Promise<void>) | null = null
  const clients: SyncClient[] = []
  try {
    // ---- the server with its chats, before any socket
    let chats: Array<{ convId: string; members: Array<{ userId: string; token: string }> }>
    if (name === 'sori') {
      let url: string | undefined
      if (backend === 'postgres') {
        const s = await freshPostgresSchema(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'bench')
        url = s.url
        drop = s.drop
      }
      server = await startSori(url)
      const rssAtStart = memory(server.pid).rss
      const t = performance.now()
      const users: BenchUser[] = await signUpUsers(server.port, USERS, `m${Date.now().toString(36).slice(-5)}_`)
      const tUsers = performance.now()
      // scrypt's 16 MB blocks stay in glibc's heaps after the sign-ups (BENCHMARKS.md): part of the baseline below
      line(`sori: RSS ${fmt(MB(rssAtStart))} MB at start, ${fmt(MB(memory(server.pid).rss))} MB after ${USERS} sign-ups`)
      const idx = Array.from({ length: CHATS }, (_, i) => i)
      const srv = server
      chats = await inPool(idx, 8, async (i) => {
        const members = Array.from({ length: perChat }, (_, k) => users[(i * perChat + k) % USERS])
        const convId = await createGroup(srv.port, members[0], members.slice(1), `mem ${i}`)
        return { convId, members: members.map((u) => ({ userId: u.id, token: u.token })) }
      })
      const s = (a: number, b: number) => ((b - a) / 1000).toFixed(1)
      line(
        `sori: pid ${server.pid}, ${server.storage}; ${USERS} users signed up in ${s(t, tUsers)} s, ${CHATS} chats created in ${s(tUsers, performance.now())} s`,
      )
    } else {
      server = name === 'stock' ? await startStock() : await startFloor()
      const id = () =>
        randomBytes(9)
          .toString('base64url')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, 'x')
          .slice(0, 12)
      chats = Array.from({ length: CHATS }, () => ({
        convId: id(),
        members: Array.from({ length: perChat }, () => ({ userId: id(), token: 'none' })),
      }))
      line(
        name === 'stock'
          ? `stock: pid ${server.pid}, y-websocket@1.5.4 bin/utils.js + y-leveldb`
          : `floor: pid ${server.pid}, http + ws@8 holding sockets, nothing else`,
      )
    }
    await sleep(3000)
    const base = await server.liveMemory()
    const baseMem = memory(server.pid)
    const baseline = baseMem.rss

    // ---- connect and sync every socket
    const jobs: Array<{ chat: number; userId: string; token: string }> = []
    chats.forEach((c, i) => c.members.forEach((m) => jobs.push({ chat: i, ...m })))
    jobs.length = SOCKETS
    const ack = name === 'sori' ? '&ack=1' : ''
    const t0 = performance.now()
    let refused = 0
    const srv = server
    await inPool(jobs, 200, async (j) => {
      const url = `ws://${HOST}:${srv.port}/sync/${pageDoc(chats[j.chat].convId, 0)}?token=${encodeURIComponent(j.token)}${ack}`
      const c = new SyncClient(url, new Y.Doc())
      clients.push(c)
      try {
        await c.whenSynced(60_000)
      } catch (e) {
        if (refused++ === 0) line(`  first refused socket: ${(e as Error).message}`)
      }
    })
    const connectS = (performance.now() - t0) / 1000
    const connected = memory(server.pid).rss

    // ---- a little history per chat, written by each chat's first socket, one message per transaction
    // (the floor relays nothing: it gets no history)
    if (MESSAGES > 0 && name !== 'floor') {
      const firstOf = new Map<number, SyncClient>()
      const ofChat: SyncClient[][] = chats.map(() => [])
      jobs.forEach((j, i) => {
        if (!firstOf.has(j.chat)) firstOf.set(j.chat, clients[i])
        ofChat[j.chat].push(clients[i])
      })
      let k = 0
      for (const [chatIdx, c] of firstOf) {
        const arr = c.doc.getArray<ChatMessage>(ROOTS.page.msgs)
        const from = chats[chatIdx].members[0].userId
        for (let i = 0; i < MESSAGES; i++) {
          arr.insert(arr.length, [
            {
              id: `mem${chatIdx.toString(36).padStart(4, '0')}_${i}`,
              from,
              ts: Date.now(),
              kind: 'text',
              body: `history message ${i} of a bench chat`,
            },
          ])
        }
        // pace the writes so that the server is not measured mid-burst
        if (++k % 100 === 0) await sleep(20)
      }
      const until = Date.now() + 60_000
      const behind = () =>
        ofChat.reduce((n, cs) => n + cs.filter((c) => c.synced && c.doc.getArray(ROOTS.page.msgs).length < MESSAGES).length, 0)
      while (behind() > 0 && Date.now() < until) await sleep(200)
      if (behind() > 0) line(`  ${behind()} sockets did not receive their chat's history within 60 s`)
    }

    // ---- idle
    const cpu0 = cpuMicros(server.pid)
    await sleep(SETTLE_S * 1000)
    const idleCpu = (cpuMicros(server.pid) - cpu0) / (SETTLE_S * 1e6)
    const mem = memory(server.pid)
    const live = await server.liveMemory()
    const open = clients.filter((c) => c.ws.readyState === 1).length
    const codes = new Map<number, number>()
    for (const c of clients) if (c.ws.readyState !== 1) codes.set(c.closeCode, (codes.get(c.closeCode) ?? 0) + 1)
    if (codes.size) line(`  sockets closed by the server, by close code: ${[...codes].map(([k, v]) => `${k}: ${v}`).join(', ')}`)
    const newSpaceMB = MB((live.spaces.new_space?.[0] ?? 0) - (base.spaces.new_space?.[0] ?? 0))
    const r: Result = {
      label: `${name} (${server.storage})`,
      baselineMB: MB(baseline),
      connectedMB: MB(connected),
      idleMB: MB(mem.rss),
      peakMB: MB(mem.peak),
      aboveMB: MB(mem.rss - baseline),
      perSocketKB: (mem.rss - baseline) / 1024 / Math.max(1, open),
      connectS,
      idleCpuCores: idleCpu,
      refused,
      gcRssAboveMB: MB(live.rss - base.rss),
      gcHeapAboveMB: MB(live.heapUsed + live.external - (base.heapUsed + base.external)),
      gcHeapTotalAboveMB: MB(live.heapTotal - base.heapTotal),
      newSpaceMB,
      aboveSameNewMB: MB(mem.rss - baseline) - newSpaceMB,
    }
    results.push(r)
    line(
      `${r.label}: ${open} of ${SOCKETS} sockets open after ${SETTLE_S} s idle (${refused} refused), connected and synced in ${fmt(connectS)} s; ` +
        `RSS baseline ${fmt(r.baselineMB)} MB, after connect ${fmt(r.connectedMB)} MB, idle ${fmt(r.idleMB)} MB (peak ${fmt(r.peakMB)} MB); ` +
        `above baseline ${fmt(r.aboveMB)} MB = ${fmt(r.perSocketKB, 2)} KB per socket ` +
        `(anonymous ${fmt(MB(mem.anon - baseMem.anon))}, file-backed ${fmt(MB(mem.file - baseMem.file))}, shared ${fmt(MB(mem.shmem - baseMem.shmem))}); ` +
        `after a full GC: RSS ${fmt(MB(live.rss))} MB, ${fmt(r.gcRssAboveMB)} MB above the post-GC baseline (${fmt(MB(base.rss))} MB), ` +
        `V8 heap + external ${fmt(r.gcHeapAboveMB)} MB above baseline (heap committed ${fmt(r.gcHeapTotalAboveMB)} MB); idle CPU ${fmt(idleCpu, 3)} cores`,
    )
    const spaces = Object.entries(live.spaces)
      .map(([space, [committed, used]]) => {
        const [c0, u0] = base.spaces[space] ?? [0, 0]
        return { space, committed: MB(committed - c0), used: MB(used - u0) }
      })
      .filter((s) => Math.abs(s.committed) >= 0.5 || Math.abs(s.used) >= 0.5)
      .map((s) => `${s.space} ${fmt(s.committed)} / ${fmt(s.used)}`)
    line(`  V8 spaces after the GC, committed / used MB above baseline: ${spaces.join(', ') || 'none above 0.5 MB'}`)
  } finally {
    for (const c of clients) c.close()
    if (server) await server.stop()
    if (drop) await drop()
  }
}

const sori = results.find((r) => r.label.startsWith('sori'))
const stock = results.find((r) => r.label.startsWith('stock'))
const floor = results.find((r) => r.label.startsWith('floor'))
if (sori && stock) {
  line()
  line(`ratios Sori / stock (ARCHITECTURE.md's budget: ≤ 50 MB above baseline; stock quoted at 114 MB):`)
  line(
    `  RSS above baseline              ${ratio(sori.aboveMB, stock.aboveMB)} (${fmt(sori.aboveMB)} MB vs ${fmt(stock.aboveMB)} MB)`,
  )
  line(
    `  RSS above baseline after GC     ${ratio(sori.gcRssAboveMB, stock.gcRssAboveMB)} (${fmt(sori.gcRssAboveMB)} MB vs ${fmt(stock.gcRssAboveMB)} MB)`,
  )
  line(
    `  heap + external after GC        ${ratio(sori.gcHeapAboveMB, stock.gcHeapAboveMB)} (${fmt(sori.gcHeapAboveMB)} MB vs ${fmt(stock.gcHeapAboveMB)} MB)`,
  )
  line(
    `  RSS above baseline, new space   ${ratio(sori.aboveSameNewMB, stock.aboveSameNewMB)} (${fmt(sori.aboveSameNewMB)} MB vs ${fmt(stock.aboveSameNewMB)} MB; ` +
      `V8's new space counted at its baseline size, which it left by ${fmt(sori.newSpaceMB)} and ${fmt(stock.newSpaceMB)} MB)`,
  )
}
if (floor) {
  line()
  line(`above the floor (what each server adds to a bare ws server holding the same sockets):`)
  for (const r of [sori, stock]) {
    if (!r) continue
    line(
      `  ${r.label.padEnd(18)} RSS ${fmt(r.aboveMB - floor.aboveMB)} MB (new space at its baseline size: ${fmt(r.aboveSameNewMB - floor.aboveSameNewMB)} MB), after GC ${fmt(r.gcRssAboveMB - floor.gcRssAboveMB)} MB, heap + external ${fmt(r.gcHeapAboveMB - floor.gcHeapAboveMB)} MB`,
    )
  }
}
process.exit(0)
