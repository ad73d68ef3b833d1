// npm run bench:channels -- [--followers 100000] [--reference 10000] [--connected 1000] [--posts 20]
//                           [--backend sqlite|postgres]
// What a channel post costs when the channel has many followers, most of them offline: two runs, each on a
// fresh database and a fresh server, that differ only in the number of followers (`--reference`, then
// `--followers`); the same `--connected` followers are online in both, each with the channel's head and
// current page open (two lean clients, bench/lib/sync-client.ts). An admin posts `--posts` text posts, one
// at a time; for each: the server's CPU (/proc of the server child) and wall time from the post's send to
// the moment every connected follower holds it in the page and sees the head's `count` move, and the
// admin's ack (committed). Memory: the server's RSS before and after the posts. Followers, their users and
// the connected ones' sessions are written straight into the database before the server starts (signing
// up 100,000 users would hash 100,000 passwords). The ratios say whether a post costs more with more
// offline followers: it should not (docs/protocol.md, "Cost of a post"). Prints figures; never fails on time.
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import * as Y from 'yjs'
import { CHANNEL_ROOTS, channelHeadDoc, channelPageDoc, searchForm, type ChannelPost } from '../../protocol/channels.ts'
import { openDb, type Param, type Queryable } from '../../server/db/db.ts'
import { hashToken, newToken } from '../../server/auth/tokens.ts'
import { freshPostgresSchema } from '../../tests/fixtures/databases.ts'
import { HOST, startSori, type ServerChild } from '../lib/servers.ts'
import { inPool } from '../lib/sori-api.ts'
import { SyncClient } from '../lib/sync-client.ts'
import { cpuByPid, cpuDelta, cpuMicros, memory } from '../lib/proc.ts'
import { fmt, median, ratio } from '../lib/stats.ts'

const { values: a } = parseArgs({
  options: {
    followers: { type: 'string', default: '100000' },
    reference: { type: 'string', default: '10000' },
    connected: { type: 'string', default: '1000' },
    posts: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'sqlite' },
  },
})
const FOLLOWERS = Number(a.followers)
const REFERENCE = Number(a.reference)
const CONNECTED = Number(a.connected)
const POSTS = Number(a.posts)
const BACKEND = a.backend
if (BACKEND !== 'sqlite' && BACKEND !== 'postgres') throw new Error('--backend is sqlite or postgres')
if (!(CONNECTED >= 1 && CONNECTED <= REFERENCE && REFERENCE <= FOLLOWERS && POSTS >= 1))
  throw new Error('need 1 <= --connected <= --reference <= --followers and --posts >= 1')
/** posts before the measured ones: loads the code paths, the page and the head everywhere */
const WARMUP = 3
/** between two posts: each post is measured alone */
const GAP_MS = 100
/** a post not everywhere by then counts as missing */
const POST_TIMEOUT_MS = 60_000
/** rows per INSERT statement while seeding */
const CHUNK = 500

interface Member {
  id: string
  token: string
}

/** ids of ENTITY_ID_RE (12 of [a-z0-9]): a letter for what it is, the run's tag, a base-36 number */
const entityId = (kind: string, tag: string, n: number): string => `${kind}${tag}${n.toString(36).padStart(8, '0')}`

/** INSERT of `rows` in statements of CHUNK rows each. */
async function insertRows(q: Queryable, head: string, width: number, rows: Param[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK)
    const one = `(${Array.from({ length: width }, () => '?').join(', ')})`
    await q.run(`${head} VALUES ${part.map(() => one).join(', ')}`, part.flat())
  }
}

/**
 * A channel with `followers` followers (users of their own, follows spread over the last 30 days), its one
 * admin, and sessions for the admin and the first `connected` followers.
 */
async function seed(
  url: string,
  followers: number,
  connected: number,
): Promise<{ channelId: string; admin: Member; online: Member[] }> {
  const db = await openDb(url)
  const tag = randomBytes(2).toString('hex').slice(0, 3)
  const now = Date.now()
  const channelId = entityId('c', tag, 0)
  const admin: Member = { id: entityId('a', tag, 0), token: newToken() }
  const online: Member[] = []
  try {
    await db.tx(async (q) => {
      const users: Param[][] = [[admin.id, `chadmin${tag}`, 'Admin', '', '', 'ko', now]]
      const follows: Param[][] = []
      for (let i = 0; i < followers; i++) {
        const id = entityId('f', tag, i)
        users.push([id, `chf${tag}_${i}`, `Follower ${i}`, '', '', ['ko', 'en', 'ja', 'th'][i % 4], now])
        follows.push([id, channelId, now - ((i * 7919) % (30 * 86_400_000))])
        if (i < connected) online.push({ id, token: newToken() })
      }
      await insertRows(q, 'INSERT INTO users (id, handle, name, status, pass, lang, created)', 7, users)
      await insertRows(
        q,
        'INSERT INTO sessions (token_hash, user_id, device, created, seen)',
        5,
        [admin, ...online].map((m) => [hashToken(m.token), m.id, 'bench', now, now]),
      )
      const handle = `news${tag}`
      const name = 'Bench News'
      await q.run(
        'INSERT INTO channels (id, handle, name, description, category, langs, created, created_by, search) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [channelId, handle, name, '', 'news', 'ko,en', now, admin.id, searchForm(`${handle}\n${name}`)],
      )
      await q.run('INSERT INTO channel_admins (channel_id, user_id, created) VALUES (?, ?, ?)', [channelId, admin.id, now])
      await insertRows(q, 'INSERT INTO follows (user_id, channel_id, created)', 3, follows)
    })
  } finally {
    await db.close()
  }
  return { channelId, admin, online }
}

interface CaseResult {
  followers: number
  seedS: number
  cpuMs: number[]
  /** Postgres backends' CPU per post (empty on SQLite) */
  pgCpuMs: number[]
  /** send → every connected follower has the post in the page and the new count in the head */
  allMs: number[]
  /** send → the median connected follower has both */
  medMs: number[]
  /** send → the admin's ack (the post committed) */
  ackMs: number[]
  missing: number
  rssStart: number
  rssBefore: number
  rssAfter: number
  /** GET /api/channels/:id when it takes the follower count (the first one) */
  countMs: number
  generatorCpuMs: number
}

const connect = async (
  server: ServerChild,
  m: Member,
  doc: string,
  opts: ConstructorParameters<typeof SyncClient>[2] = {},
  ack = false,
) => {
  const url = `ws://${HOST}:${server.port}/sync/${doc}?token=${encodeURIComponent(m.token)}${ack ? '&ack=1' : ''}`
  const c = new SyncClient(url, new Y.Doc(), { watchLocal: false, ...opts })
  await c.whenSynced(60_000)
  return c
}

async function runCase(followers: number): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-bench-channels-'))
  const pg =
    BACKEND === 'postgres'
      ? await freshPostgresSchema(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'bench_channels')
      : null
  const url = pg?.url ?? join(dir, 'sori.db')
  let server: ServerChild | null = null
  const clients: SyncClient[] = []
  try {
    const s0 = performance.now()
    const { channelId, admin, online } = await seed(url, followers, CONNECTED)
    const seedS = (performance.now() - s0) / 1000
    // the channel's own posting limit (20 a minute) would refuse the bench's posts
    process.env.SORI_CHANNEL_POSTS_PER_MINUTE = '0'
    server = await startSori(url)
    const srv = server
    await sleep(1000)
    const rssStart = memory(srv.pid).rss

    // every connected follower: the head and page 0 open, watched for the post being measured
    const n = online.length
    let postId = ''
    let target = 0
    let t0 = 0
    const pageAt = new Float64Array(n)
    const headAt = new Float64Array(n)
    let pending = 0
    let settled: (() => void) | null = null
    const got = () => {
      if (--pending === 0) settled?.()
    }
    await inPool(online, 50, async (m, i) => {
      const page = await connect(srv, m, channelPageDoc(channelId, 0))
      const head = await connect(srv, m, channelHeadDoc(channelId))
      page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).observe((e) => {
        if (pageAt[i] !== 0 || postId === '') return
        for (const item of e.changes.added)
          for (const p of item.content.getContent() as ChannelPost[])
            if (p.id === postId) {
              pageAt[i] = performance.now() - t0
              got()
            }
      })
      const meta = head.doc.getMap(CHANNEL_ROOTS.head.meta)
      meta.observe(() => {
        if (headAt[i] !== 0 || target === 0 || Number(meta.get('count')) < target) return
        headAt[i] = performance.now() - t0
        got()
      })
      clients.push(page, head)
    })
    let ackAt = 0
    const poster = await connect(
      srv,
      admin,
      channelPageDoc(channelId, 0),
      {
        onAck: () => {
          if (ackAt === 0 && t0 > 0) {
            ackAt = performance.now() - t0
            got()
          }
        },
      },
      true,
    )
    clients.push(poster)
    await sleep(1000)
    const rssBefore = memory(srv.pid).rss

    const res: CaseResult = {
      followers,
      seedS,
      cpuMs: [],
      pgCpuMs: [],
      allMs: [],
      medMs: [],
      ackMs: [],
      missing: 0,
      rssStart,
      rssBefore,
      rssAfter: 0,
      countMs: NaN,
      generatorCpuMs: 0,
    }
    const gen0 = process.cpuUsage()
    for (let k = 0; k < WARMUP + POSTS; k++) {
      pageAt.fill(0)
      headAt.fill(0)
      ackAt = 0
      pending = 2 * n + 1
      const done = new Promise<void>((r) => (settled = r))
      const post: ChannelPost = {
        id: `p${randomBytes(6).toString('hex')}`,
        from: admin.id,
        ts: Date.now(),
        kind: 'text',
        text: `News ${k}: a post to ${followers} followers`,
      }
      target = k + 1
      postId = post.id
      const pg0 = pg ? cpuByPid('postgres') : null
      const cpu0 = cpuMicros(srv.pid)
      t0 = performance.now()
      poster.write(() => poster.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post]))
      const inTime = await Promise.race([done.then(() => true), sleep(POST_TIMEOUT_MS).then(() => false)])
      const cpu1 = cpuMicros(srv.pid)
      const pgMs = pg0 ? cpuDelta(pg0, cpuByPid('postgres')) / 1000 : NaN
      postId = ''
      if (k >= WARMUP) {
        if (!inTime) res.missing++
        const both = Array.from({ length: n }, (_, i) => (pageAt[i] && headAt[i] ? Math.max(pageAt[i], headAt[i]) : NaN))
        res.cpuMs.push((cpu1 - cpu0) / 1000)
        if (pg0) res.pgCpuMs.push(pgMs)
        res.allMs.push(inTime ? Math.max(...both) : NaN)
        res.medMs.push(median(both))
        res.ackMs.push(ackAt || NaN)
      }
      await sleep(GAP_MS)
    }
    const gen = process.cpuUsage(gen0)
    res.generatorCpuMs = (gen.user + gen.system) / 1000 / (WARMUP + POSTS)
    res.rssAfter = memory(srv.pid).rss

    // the one call whose cost follows the number of followers: the home's count, taken once an hour
    const c0 = performance.now()
    const r = await fetch(`http://${HOST}:${srv.port}/api/channels/${channelId}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    })
    await r.text()
    res.countMs = performance.now() - c0
    return res
  } finally {
    for (const c of clients) c.close()
    await server?.stop()
    await pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const ref = await runCase(REFERENCE)
const big = await runCase(FOLLOWERS)

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0)
const mb = (b: number) => fmt(b / 1024 / 1024, 0)
const row = (label: string, r: number, b: number, decimals = 1, unit = '') =>
  console.log(
    `  ${label.padEnd(44)} ${`${fmt(r, decimals)}${unit}`.padStart(10)} ${`${fmt(b, decimals)}${unit}`.padStart(10)}   ${ratio(b, r)}`,
  )
console.log(`bench:channels  ${BACKEND}  node ${process.version}  ${cpus().length} cpus  load ${loadavg()[0].toFixed(2)}`)
console.log(
  `one channel, ${CONNECTED} followers connected (head + current page each: ${2 * CONNECTED} sockets), ${POSTS} text posts one at a time (${WARMUP} before them unmeasured), ${GAP_MS} ms apart`,
)
console.log(`  ${'followers'.padEnd(44)} ${String(REFERENCE).padStart(10)} ${String(FOLLOWERS).padStart(10)}   ratio`)
row('server CPU per post, ms (mean)', sum(ref.cpuMs) / POSTS, sum(big.cpuMs) / POSTS, 2)
if (BACKEND === 'postgres') row('Postgres CPU per post, ms (mean)', sum(ref.pgCpuMs) / POSTS, sum(big.pgCpuMs) / POSTS, 2)
row('post → admin ack (committed), ms p50', median(ref.ackMs), median(big.ackMs))
row('post → median follower has it, ms p50', median(ref.medMs), median(big.medMs))
row('post → every follower has it, ms p50', median(ref.allMs), median(big.allMs))
row('post → every follower has it, ms max', Math.max(...ref.allMs), Math.max(...big.allMs))
row('posts not everywhere within 60 s', ref.missing, big.missing, 0)
row('server RSS at start, MB', Number(mb(ref.rssStart)), Number(mb(big.rssStart)), 0)
row('server RSS before the posts, MB', Number(mb(ref.rssBefore)), Number(mb(big.rssBefore)), 0)
row('server RSS after the posts, MB', Number(mb(ref.rssAfter)), Number(mb(big.rssAfter)), 0)
row('GET /api/channels/:id taking the count, ms', ref.countMs, big.countMs)
row('generator CPU per post, ms', ref.generatorCpuMs, big.generatorCpuMs)
console.log(`  seeding the database: ${fmt(ref.seedS, 1)} s and ${fmt(big.seedS, 1)} s`)
console.log(
  '  ("has it": the post in the page and the new count in the head, both; CPU: the sum of the posts\' windows over the posts, /proc counts in 10 ms ticks)',
)
