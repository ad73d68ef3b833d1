// npm run bench:instructions — the server's instructions per message, counted by valgrind's callgrind,
// for Sori (SQLite) against the stock y-websocket server in memory, or against another checkout of Sori
// (--against). Each server runs under callgrind by itself, with counting off while it starts, while the
// bench signs up its users and makes its chats, and through a warm-up; then, in each window, the bench
// writes --messages messages one after the other (each to the next chat, by its next member) and waits
// for every member to have it and, on Sori, for its ack before it writes the next. One message in flight
// at a time makes every message one group commit of one update, and the work the same from run to run:
// the figures repeat to a few percent, on a busy machine too. What they leave out is time in the kernel,
// and what batching under load saves (bench:delivery measures that, in seconds; --burst N writes N
// messages to as many chats at once, which the server commits in a group or two).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { Appender } from '../delivery/append.ts'
import {
  CALLGRIND_PARTS,
  callgrindAvailable,
  callgrindWrapper,
  countInstructions,
  type CallgrindCounts,
  type CallgrindPart,
} from '../lib/callgrind.ts'
import { HOST, startSori, startStock, type ServerChild } from '../lib/servers.ts'
import { createGroup, signUpUsers } from '../lib/sori-api.ts'
import { fmt, median } from '../lib/stats.ts'
import { SyncClient } from '../lib/sync-client.ts'

const { values: a } = parseArgs({
  options: {
    chats: { type: 'string', default: '80' },
    members: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '2000' },
    windows: { type: 'string', default: '5' },
    against: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'string' },
    burst: { type: 'string', default: '1' },
  },
})
const CHATS = Number(a.chats)
const MEMBERS = Number(a.members)
const WARMUP = Number(a.warmup)
const MESSAGES = Number(a.messages)
const WINDOWS = Number(a.windows)
/** messages written together, each to another chat, before the bench waits for them all */
const BURST = Number(a.burst)
const BODY_TAIL = ' lorem ipsum dolor sit amet, consectetur adipiscing elit'

// every message goes to page 0: past PAGE_SIZE the chat's current page moves on and the server's work changes
if ((WARMUP + WINDOWS * MESSAGES) / CHATS > PAGE_SIZE) {
  console.error(`bench:instructions: more than ${PAGE_SIZE} messages a chat; give more --chats or fewer messages`)
  process.exit(2)
}
if (!(BURST >= 1 && BURST <= CHATS && MESSAGES % BURST === 0 && WARMUP % BURST === 0)) {
  console.error('bench:instructions: --burst must be at most --chats and divide --messages and --warmup')
  process.exit(2)
}
if (!callgrindAvailable()) {
  console.error('bench:instructions needs valgrind (callgrind and callgrind_control): apt-get install -y valgrind')
  process.exit(2)
}

interface Member {
  userId: string
  client: SyncClient
  arr: Y.Array<ChatMessage>
  appender: Appender<ChatMessage>
  acked: number
}

/** Wakes the bench whenever any socket received something. */
let wake: (() => void) | null = null
const poke = () => {
  const w = wake
  wake = null
  w?.()
}
async function until(cond: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 600_000
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`)
    await new Promise<void>((r) => {
      wake = r
      setTimeout(r, 1000)
    })
  }
}

async function connectChats(server: ServerChild, acks: boolean): Promise<Member[][]> {
  let chats: { convId: string; members: { userId: string; token: string }[] }[]
  if (server.name === 'sori') {
    const users = await signUpUsers(server.port, CHATS * MEMBERS, `i${Date.now().toString(36).slice(-5)}_`)
    chats = []
    for (let i = 0; i < CHATS; i++) {
      const members = users.slice(i * MEMBERS, (i + 1) * MEMBERS)
      const convId = await createGroup(server.port, members[0], members.slice(1), `bench ${i}`)
      chats.push({ convId, members: members.map((u) => ({ userId: u.id, token: u.token })) })
    }
  } else {
    // the stock server knows no users: the same doc names and message shapes, made-up ids
    chats = Array.from({ length: CHATS }, (_, i) => ({
      convId: `bench${i}`,
      members: Array.from({ length: MEMBERS }, (_, k) => ({ userId: `u${i}_${k}`, token: 'none' })),
    }))
  }
  const out: Member[][] = []
  for (const c of chats) {
    const members: Member[] = []
    for (const m of c.members) {
      const doc = new Y.Doc()
      const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
      const url = `ws://${HOST}:${server.port}/sync/${pageDoc(c.convId, 0)}?token=${encodeURIComponent(m.token)}${acks ? '&ack=1' : ''}`
      const member: Member = {
        userId: m.userId,
        client: undefined as unknown as SyncClient,
        arr,
        appender: new Appender(arr),
        acked: 0,
      }
      member.client = new SyncClient(url, doc, {
        watchLocal: false,
        onClose: poke,
        onAck: (sv) => {
          member.acked = Math.max(member.acked, sv.get(doc.clientID) ?? 0)
          poke()
        },
      })
      arr.observe(poke)
      await member.client.whenSynced(600_000)
      members.push(member)
    }
    out.push(members)
  }
  return out
}

/**
 * Writes `n` messages BURST at a time (one at a time by default), each burst waited for: every member of
 * each chat has its message, and its ack came (Sori).
 */
async function write(chats: Member[][], n: number, from: number, acks: boolean): Promise<void> {
  for (let i = from; i < from + n; i += BURST) {
    const sent: { chat: Member[]; m: Member; length: number; clock: number; i: number }[] = []
    for (let k = i; k < i + BURST; k++) {
      const chat = chats[k % chats.length]
      const m = chat[Math.floor(k / chats.length) % chat.length]
      const length = m.arr.length + 1
      const doc = m.client.doc
      m.client.write(() =>
        m.appender.append({
          id: `m${doc.clientID.toString(36)}_${k.toString(36)}`,
          from: m.userId,
          ts: Date.now(),
          kind: 'text',
          body: `${k}${BODY_TAIL}`,
        }),
      )
      sent.push({ chat, m, length, clock: Y.getState(doc.store, doc.clientID), i: k })
    }
    const arrived = (x: (typeof sent)[number]) => x.chat.every((c) => c.arr.length >= x.length) && (!acks || x.m.acked >= x.clock)
    await until(
      () => {
        // this client does not reconnect: a closed socket would wait out the deadline for nothing
        for (const { chat, i: k } of sent) {
          const closed = chat.find((x) => x.client.closeCode !== 0)
          if (closed) throw new Error(`message ${k}: ${closed.userId}'s socket closed (code ${closed.client.closeCode})`)
        }
        return sent.every(arrived)
      },
      () => {
        const x = sent.find((y) => !arrived(y))!
        return `message ${x.i}: lengths ${x.chat.map((c) => c.arr.length).join(', ')} (want ${x.length}), ack ${x.m.acked} (want ${x.clock})`
      },
    )
  }
}

type Result = { label: string; windows: CallgrindCounts[] }

async function measure(label: string, start: (dir: string) => Promise<ServerChild>, acks: boolean): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-callgrind-'))
  const t0 = Date.now()
  const server = await start(dir)
  try {
    const chats = await connectChats(server, acks)
    console.log(
      `${label}: pid ${server.pid}, started and set up under valgrind in ${fmt((Date.now() - t0) / 1000, 0)} s; warm-up of ${WARMUP} messages`,
    )
    await write(chats, WARMUP, 0, acks)
    const windows: CallgrindCounts[] = []
    for (let w = 0; w < WINDOWS; w++) {
      const from = WARMUP + w * MESSAGES
      const counts = await countInstructions(dir, server.name, server.pid, () => write(chats, MESSAGES, from, acks))
      windows.push(counts)
      console.log(
        `${label} window ${w + 1}: ${perMessage(counts.total)} instructions/msg; ${CALLGRIND_PARTS.map((p) => `${p} ${perMessage(counts[p])}`).join(', ')}`,
      )
    }
    for (const chat of chats) for (const m of chat) m.client.close()
    return { label, windows }
  } finally {
    await server.stop()
    // --keep <dir>: the dumps stay there, for callgrind_annotate or KCachegrind
    if (a.keep) cpSync(dir, join(resolve(a.keep), label.replace(/[^\w.-]+/g, '_')), { recursive: true })
    rmSync(dir, { recursive: true, force: true })
  }
}

const perMessage = (ir: number): string => fmt(ir / MESSAGES / 1000, 1) + 'k'
/** per message over every window: a full collection falls into one window, not each */
const steady = (c: CallgrindCounts): number => c.total - c.compiler
const mean = (r: Result, p: CallgrindPart | 'total' | 'steady'): number =>
  r.windows.reduce((s, c) => s + (p === 'steady' ? steady(c) : c[p]), 0) / r.windows.length / MESSAGES
/** a full collection falls into one window of several: the median window is what a message costs most of the time */
const typical = (r: Result): number => median(r.windows.map(steady)) / MESSAGES

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  console.log(
    `bench:instructions  ${new Date().toISOString()}  node ${process.version}  valgrind ${execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim()}  at ${commit}`,
  )
  console.log(
    `load: ${CHATS} chats × ${MEMBERS} members, ${BURST === 1 ? 'one message at a time' : `${BURST} messages at a time, to as many chats`} (each delivered to every member, and acked on Sori), warm-up ${WARMUP}, ${WINDOWS} windows of ${MESSAGES}`,
  )
  const results: Result[] = []
  const against = a.against ? resolve(a.against) : null
  if (a.only !== 'ref')
    results.push(
      await measure('sori', (dir) => startSori(undefined, undefined, { wrapper: callgrindWrapper(dir, 'sori') }), true),
    )
  if (a.only !== 'sori') {
    if (against) {
      results.push(
        await measure(
          `sori@${against}`,
          (dir) => startSori(undefined, against, { wrapper: callgrindWrapper(dir, 'sori') }),
          true,
        ),
      )
    } else {
      results.push(await measure('stock (memory)', (dir) => startStock(true, callgrindWrapper(dir, 'stock')), false))
    }
  }
  console.log('')
  console.log(`thousands of instructions per message (mean of the windows), by where they ran:`)
  const head = ['part', ...results.map((r) => r.label)]
  if (results.length === 2) head.push('difference')
  console.log(`| ${head.join(' | ')} |`)
  console.log(`|${head.map(() => '---').join('|')}|`)
  /** one row: each result's figure, in thousands, and with two results their difference */
  const row = (name: string, of: (r: Result) => number) => {
    const v = results.map(of)
    const cells = v.map((x) => fmt(x / 1000, 1))
    if (v.length === 2) cells.push((v[0] >= v[1] ? '+' : '') + fmt((v[0] - v[1]) / 1000, 1))
    console.log(`| ${name} | ${cells.join(' | ')} |`)
  }
  for (const p of [...CALLGRIND_PARTS, 'total', 'steady'] as const) row(p, (r) => mean(r, p))
  row('steady, median window', typical)
  for (const r of results) {
    const totals = r.windows.map((c) => c.total / MESSAGES / 1000)
    console.log(`${r.label}: windows ${totals.map((t) => fmt(t, 1) + 'k').join(', ')}`)
  }
  if (results.length === 2) {
    const [x, y] = results
    const line = (what: string, a: number, b: number) => console.log(`ratio ${x.label} / ${y.label}, ${what}: ${fmt(a / b, 3)}x`)
    line('total', mean(x, 'total'), mean(y, 'total'))
    line('steady', mean(x, 'steady'), mean(y, 'steady'))
    line('steady, median window', typical(x), typical(y))
  }
  console.log(`(steady: the total less the compiler's, which is mostly warming up and falls into some windows only)`)
}

await main()
