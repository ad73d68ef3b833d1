// One thread of the delivery load generator (see load.ts): its share of the chats, each member a lean
// y-websocket client (one socket, one real Y.Doc) on the chat's newest page doc c:<conv>:0. Members take
// turns writing messages at this thread's share of the offered rate, one message per transaction, exactly
// as a user writes; every other member's client decodes and applies the update with Yjs and records the
// delivery latency from the sender's write (the body starts with the sender's performance.now(): a chat's
// sender and receivers live in the same thread, so they share its clock).
import { setTimeout as sleep } from 'node:timers/promises'
import * as Y from 'yjs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ChatMessage } from '../../protocol/messages.ts'
import { pageDoc, inboxDoc, ROOTS } from '../../protocol/docs.ts'
import { SyncClient } from '../lib/sync-client.ts'
import { Appender, assertSameAsInsert } from './append.ts'
import { parentPort, workerData } from 'node:worker_threads'
import { setPriority } from 'node:os'
import { Session } from 'node:inspector'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HOST } from '../lib/servers.ts'
import { Samples } from '../lib/stats.ts'
import { watchStalls } from '../lib/stalls.cjs'
import { inPool } from '../lib/sori-api.ts'

import type { ChatSpec, LoadOptions } from './load.ts'

/** What load.ts gives each thread. */
export interface ThreadInput {
  /** the server's port, or with --nodes every node's (a member's `node` picks one) */
  ports: number[]
  /** Sori sends acknowledgements (asked for with ack=1); the stock server has none */
  ack: boolean
  specs: ChatSpec[]
  /** users whose inbox socket this thread holds (each user's in exactly one thread): id, token, node */
  inboxUsers: Array<[string, string, number]>
  opts: LoadOptions
  /** this thread's share of input.rate */
  rate: number
  runTag: string
  trace: boolean
}

/** What each thread reports after its window and drain. */
export interface ThreadResult {
  lat: Float64Array
  ackLat: Float64Array
  /** pairs (written at, ms into the window; latency) when tracing */
  trace: Float64Array | null
  writtenInWindow: number
  skippedInWindow: number
  deliveriesInWindow: number
  windowMs: number
  missing: number
  unacked: number
  dups: number
  closed: number
  loopP99Ms: number
}

/** main → thread: 'go' starts the schedule (warm-up, then the window); thread → main: 'ready', then the result */
export type ToThread = { type: 'go' }
export type FromThread = { type: 'ready' } | { type: 'error'; message: string } | { type: 'done'; result: ThreadResult }

interface Member {
  userId: string
  client: SyncClient
  arr: Y.Array<ChatMessage>
  appender: Appender<ChatMessage>
  sent: number
  seen: Set<string>
  dups: number
  /** clock (exclusive end) and send time of messages not yet acknowledged, oldest first */
  pendClock: number[]
  pendTime: number[]
  pendHead: number
}

interface ChatState {
  members: Member[]
  /** the members that take turns writing (every member unless the spec says otherwise) */
  writers: Member[]
  next: number
}

const BODY_TAIL = ' lorem ipsum dolor sit amet, consectetur adipiscing'

async function runThread(input: ThreadInput, go: Promise<void>): Promise<ThreadResult> {
  const { ack, specs, opts, runTag } = input
  const now = () => performance.now()
  let wStart = Infinity
  let wEnd = Infinity
  let deliveriesInWindow = 0
  const lat = new Samples()
  const ackLat = new Samples()
  let closed = 0
  // BENCH_TRACE=1: print when, in the window, the slow deliveries were written (to see stalls' rhythm)
  const trace = input.trace ? new Samples() : null

  // ---- connect every member and sync
  const chats: ChatState[] = specs.map(() => ({ members: [], writers: [], next: 0 }))
  type Job = [number, ChatSpec['members'][number]]
  const jobs: Job[] = []
  // --nodes: each chat's `first` member before every other socket, so that its node owns the chat
  const firsts: Job[] = []
  specs.forEach((s, ci) => s.members.forEach((m, mi) => (mi === s.first ? firsts : jobs).push([ci, m])))
  const connectMember = async ([ci, m]: Job) => {
    const doc = new Y.Doc()
    const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const url = `ws://${HOST}:${input.ports[m.node ?? 0]}/sync/${pageDoc(specs[ci].convId, 0)}?token=${encodeURIComponent(m.token)}${ack ? '&ack=1' : ''}`
    const member: Member = {
      userId: m.userId,
      client: undefined as unknown as SyncClient, // set just below; the callbacks only run after connect
      arr,
      appender: new Appender(arr),
      sent: 0,
      seen: new Set(),
      dups: 0,
      pendClock: [],
      pendTime: [],
      pendHead: 0,
    }
    member.client = new SyncClient(url, doc, {
      onAck: (sv) => {
        const c = sv.get(doc.clientID)
        if (c === undefined) return
        const t = now()
        while (member.pendHead < member.pendClock.length && member.pendClock[member.pendHead] <= c) {
          const sentAt = member.pendTime[member.pendHead++]
          if (sentAt >= wStart && sentAt < wEnd) ackLat.push(t - sentAt)
        }
      },
      onClose: () => {
        closed++
      },
      watchLocal: false,
    })
    arr.observe((_ev, tr) => {
      if (tr.local) return
      const t = now()
      // The new items are exactly the structs between the transaction's before- and after-state of each
      // client. (YEvent.changes would walk the whole array on every event: quadratic in a page of 1,000.)
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0
        if (after <= before) continue
        const structs = doc.store.clients.get(client)!
        for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i].id.clock < after; i++) {
          const item = structs[i]
          if (!(item instanceof Y.Item) || item.deleted || item.parent !== arr) continue
          const content = item.content.getContent() as ChatMessage[]
          for (let k = Math.max(0, before - item.id.clock); k < content.length && item.id.clock + k < after; k++) {
            const msg = content[k]
            if (member.seen.has(msg.id)) {
              member.dups++
              continue
            }
            member.seen.add(msg.id)
            const sentAt = parseFloat(msg.body)
            if (t >= wStart && t < wEnd) deliveriesInWindow++
            if (sentAt >= wStart && sentAt < wEnd) {
              lat.push(t - sentAt)
              if (trace) {
                trace.push(sentAt - wStart)
                trace.push(t - sentAt)
              }
            }
          }
        }
      }
    })
    chats[ci].members.push(member)
    if (m.writes !== false) chats[ci].writers.push(member)
    await member.client.whenSynced()
  }
  await inPool(firsts, 64, connectMember)
  await inPool(jobs, 64, connectMember)
  const inboxes: SyncClient[] = []
  await inPool(input.inboxUsers, 64, async ([userId, token, node]) => {
    const c = new SyncClient(
      `ws://${HOST}:${input.ports[node]}/sync/${inboxDoc(userId)}?token=${encodeURIComponent(token)}`,
      new Y.Doc(),
      {
        onClose: () => {
          closed++
        },
        watchLocal: false,
      },
    )
    inboxes.push(c)
    await c.whenSynced()
  })
  closed = 0
  parentPort!.postMessage({ type: 'ready' } satisfies FromThread)
  await go

  // ---- offered load: an open-loop schedule, checked every millisecond
  let writtenInWindow = 0
  let skipped = 0
  const write = (chat: ChatState) => {
    const m = chat.writers[chat.next]
    chat.next = (chat.next + 1) % chat.writers.length
    if (m.client.ws.readyState !== 1) return
    const seq = m.sent++
    const t = now()
    const msg: ChatMessage = {
      id: `${runTag}${m.client.doc.clientID.toString(36)}_${seq.toString(36)}`,
      from: m.userId,
      ts: Date.now(),
      kind: 'text',
      body: t.toFixed(3) + BODY_TAIL,
    }
    // one transaction per message, the update insert(length) would make (append.ts)
    m.client.write(() => m.appender.append(msg))
    if (ack) {
      m.pendClock.push(Y.getState(m.client.doc.store, m.client.doc.clientID))
      m.pendTime.push(t)
    }
    if (t >= wStart && t < wEnd) writtenInWindow++
  }
  const t0 = now()
  // Slots more than 100 ms late are skipped (and counted), and one tick writes at most 5 ms worth, so a
  // stalled generator does not answer with a burst that stalls it again.
  const maxBehind = Math.max(1, Math.round(input.rate * 0.1))
  const maxPerTick = Math.max(1, Math.round(input.rate * 0.005))
  let scheduled = 0
  let ci = 0
  const timer = setInterval(() => {
    const t = now()
    if (t >= wEnd) return
    let due = Math.floor((input.rate * (t - t0)) / 1000) - scheduled
    if (due > maxBehind) {
      skipped += due - maxBehind
      scheduled += due - maxBehind
      due = maxBehind
    }
    const n = Math.min(due, maxPerTick)
    for (let i = 0; i < n; i++) {
      write(chats[ci])
      ci = (ci + 1) % chats.length
    }
    scheduled += n
  }, 1)

  // ---- warm-up, then the measured window (load.ts reads the server's CPU over the same span)
  await sleep(opts.warmupS * 1000)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  const skipped0 = skipped
  loop.enable()
  wStart = now()
  wEnd = wStart + opts.durationS * 1000
  await sleep(opts.durationS * 1000)
  loop.disable()
  const windowMs = now() - wStart
  clearInterval(timer)
  const skippedInWindow = skipped - skipped0

  // ---- drain: every member should end with every message the others wrote, each once
  const expected = () => {
    let missing = 0
    let unacked = 0
    for (const chat of chats) {
      const total = chat.members.reduce((s, m) => s + m.sent, 0)
      for (const m of chat.members) {
        missing += Math.max(0, total - m.sent - m.seen.size)
        if (ack) unacked += m.pendClock.length - m.pendHead
      }
    }
    return { missing, unacked }
  }
  const drainUntil = now() + opts.drainS * 1000
  let left = expected()
  while ((left.missing > 0 || left.unacked > 0) && now() < drainUntil) {
    await sleep(50)
    left = expected()
  }
  let dups = 0
  for (const chat of chats) for (const m of chat.members) dups += m.dups
  const closedDuringRun = closed
  for (const chat of chats) for (const m of chat.members) m.client.close()
  for (const c of inboxes) c.close()

  return {
    lat: lat.values().slice(),
    ackLat: ackLat.values().slice(),
    trace: trace ? trace.values().slice() : null,
    writtenInWindow,
    skippedInWindow,
    deliveriesInWindow,
    windowMs,
    missing: left.missing,
    unacked: left.unacked,
    dups,
    closed: closedDuringRun,
    loopP99Ms: loop.percentile(99) / 1e6,
  }
}

/** BENCH_GEN_PROFILE_DIR=<dir>: a V8 CPU profile of this generator thread (--cpu-prof does not reach workers). */
function startProfile(): { stop(dir: string, tag: string): Promise<void> } {
  const session = new Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.start')
  return {
    stop: (dir, tag) =>
      new Promise((resolve) => {
        session.post('Profiler.stop', (err, res) => {
          if (!err) {
            mkdirSync(dir, { recursive: true })
            writeFileSync(join(dir, `generator-${tag}.cpuprofile`), JSON.stringify(res.profile))
          }
          session.disconnect()
          resolve()
        })
      }),
  }
}

if (parentPort) {
  // Linux: the calling thread's nice value, not the whole process's
  const nice = (workerData as ThreadInput).opts.nice
  if (nice > 0) setPriority(nice)
  assertSameAsInsert()
  let start!: () => void
  const go = new Promise<void>((r) => {
    start = r
  })
  parentPort.on('message', (m: ToThread) => {
    if (m.type === 'go') start()
  })
  const profile = process.env.BENCH_GEN_PROFILE_DIR ? startProfile() : null
  if (process.env.BENCH_STALLS) watchStalls('generator')
  runThread(workerData as ThreadInput, go).then(
    async (result) => {
      if (profile) await profile.stop(process.env.BENCH_GEN_PROFILE_DIR!, (workerData as ThreadInput).runTag)
      parentPort!.postMessage({ type: 'done', result } satisfies FromThread)
    },
    (e: unknown) =>
      parentPort!.postMessage({
        type: 'error',
        message: e instanceof Error ? (e.stack ?? e.message) : String(e),
      } satisfies FromThread),
  )
}
