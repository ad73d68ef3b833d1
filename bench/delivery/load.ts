// The delivery load generator: R chats × M members, each member a lean y-websocket client (one socket,
// one real Y.Doc) on the chat's newest page doc c:<conv>:0. Members take turns writing messages at a
// fixed offered rate, one message per transaction, exactly as a user writes; every other member's
// client decodes and applies the update with Yjs and records the delivery latency from the sender's
// write (the body starts with the sender's performance.now(): sender and receivers share this process
// and its clock).
import * as Y from 'yjs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ChatMessage } from '../../protocol/messages.ts'
import { pageDoc, inboxDoc, ROOTS } from '../../protocol/docs.ts'
import { SyncClient } from '../lib/sync-client.ts'
import { HOST, type ServerChild } from '../lib/servers.ts'
import { Samples, percentile } from '../lib/stats.ts'
import { cpuMicros, memory, cpuByPid, cpuDelta, machineBusyMicros } from '../lib/proc.ts'
import { inPool } from '../lib/sori-api.ts'

export interface LoadOptions {
  members: number
  /** offered messages per second, over all chats */
  rate: number
  warmupS: number
  durationS: number
  /** after the window, how long to wait at most for the last deliveries and acks */
  drainS: number
  /**
   * Also connect every user to their inbox doc u:<userId>, as the app does: Sori then writes each
   * member's inbox entry (preview, unread count) as messages arrive. The stock server gets the same
   * sockets, but nobody writes those docs there.
   */
  inbox: boolean
}

/** One chat as the generator needs it: its id and, per member, the user id and token to connect as. */
export interface ChatSpec {
  convId: string
  members: Array<{ userId: string; token: string }>
}

export interface WindowResult {
  server: string
  offered: number
  /** messages written per second during the window */
  achieved: number
  /** messages the generator could not write on time (it fell > 100 ms behind the schedule) */
  skipped: number
  /** deliveries (one message arriving at one receiver) per second during the window */
  deliveriesPerS: number
  latP50: number
  latP99: number
  latMax: number
  ackP50: number
  ackP99: number
  lost: number
  duplicated: number
  unacked: number
  serverCpuUs: number
  cpuPerMessageUs: number
  cpuPerDeliveryUs: number
  /** server CPU as a share of one core over the window */
  serverCores: number
  rssMB: number
  peakRssMB: number
  genCores: number
  /** generator event-loop delay p99, ms: high values mean the generator, not the server, adds latency */
  genLoopP99: number
  /** postgres backends' CPU per message (0 unless the server runs on Postgres) */
  pgCpuPerMessageUs: number
  /** every other process on the machine (other jobs, the OS), cores */
  otherCores: number
  closed: number
}

interface Member {
  userId: string
  client: SyncClient
  arr: Y.Array<ChatMessage>
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
  next: number
}

const BODY_TAIL = ' lorem ipsum dolor sit amet, consectetur adipiscing'

export async function runWindow(server: ServerChild, specs: ChatSpec[], opts: LoadOptions, runTag: string): Promise<WindowResult> {
  const ack = server.name === 'sori'
  const now = () => performance.now()
  let wStart = Infinity
  let wEnd = Infinity
  let deliveriesInWindow = 0
  const lat = new Samples()
  const ackLat = new Samples()
  let closed = 0
  // BENCH_TRACE=1: print when, in the window, the slow deliveries were written (to see stalls' rhythm)
  const trace = process.env.BENCH_TRACE ? new Samples() : null

  // ---- connect every member and sync
  const chats: ChatState[] = specs.map(() => ({ members: [], next: 0 }))
  const jobs: Array<[number, ChatSpec['members'][number]]> = []
  specs.forEach((s, ci) => s.members.forEach((m) => jobs.push([ci, m])))
  await inPool(jobs, 64, async ([ci, m]) => {
    const doc = new Y.Doc()
    const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const url = `ws://${HOST}:${server.port}/sync/${pageDoc(specs[ci].convId, 0)}?token=${encodeURIComponent(m.token)}${ack ? '&ack=1' : ''}`
    const member: Member = {
      userId: m.userId,
      client: undefined as unknown as SyncClient, // set just below; the callbacks only run after connect
      arr,
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
    await member.client.whenSynced()
  })
  const inboxes: SyncClient[] = []
  if (opts.inbox) {
    const users = new Map<string, string>()
    for (const s of specs) for (const m of s.members) users.set(m.userId, m.token)
    await inPool([...users], 64, async ([userId, token]) => {
      const c = new SyncClient(`ws://${HOST}:${server.port}/sync/${inboxDoc(userId)}?token=${encodeURIComponent(token)}`, new Y.Doc(), {
        onClose: () => {
          closed++
        },
      })
      inboxes.push(c)
      await c.whenSynced()
    })
  }
  closed = 0

  // ---- offered load: an open-loop schedule, checked every millisecond
  let written = 0
  let writtenInWindow = 0
  let skipped = 0
  const write = (chat: ChatState) => {
    const m = chat.members[chat.next]
    chat.next = (chat.next + 1) % chat.members.length
    if (m.client.ws.readyState !== 1) return
    const seq = m.sent++
    const t = now()
    const msg: ChatMessage = { id: `${runTag}${m.client.doc.clientID.toString(36)}_${seq.toString(36)}`, from: m.userId, ts: Date.now(), kind: 'text', body: t.toFixed(3) + BODY_TAIL }
    // One transaction per message. insert(length) appends exactly as push() does, but finds the end
    // through Yjs's search markers; push() walks the whole array from its start every time.
    m.arr.insert(m.arr.length, [msg])
    if (ack) {
      m.pendClock.push(Y.getState(m.client.doc.store, m.client.doc.clientID))
      m.pendTime.push(t)
    }
    written++
    if (t >= wStart && t < wEnd) writtenInWindow++
  }
  const t0 = now()
  // Slots more than 100 ms late are skipped (and counted), and one tick writes at most 5 ms worth, so a
  // stalled generator does not answer with a burst that stalls it again.
  const maxBehind = Math.max(1, Math.round(opts.rate * 0.1))
  const maxPerTick = Math.max(1, Math.round(opts.rate * 0.005))
  let scheduled = 0
  let ci = 0
  const timer = setInterval(() => {
    const t = now()
    if (t >= wEnd) return
    let due = Math.floor((opts.rate * (t - t0)) / 1000) - scheduled
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

  // ---- warm-up, then the measured window
  await sleep(opts.warmupS * 1000)
  const loop = monitorEventLoopDelay({ resolution: 5 })
  const pgBefore = server.storage === 'postgres' ? cpuByPid('postgres') : null
  const cpu0 = cpuMicros(server.pid)
  const gen0 = process.cpuUsage()
  const box0 = machineBusyMicros()
  const skipped0 = skipped
  loop.enable()
  wStart = now()
  wEnd = wStart + opts.durationS * 1000
  await sleep(opts.durationS * 1000)
  const cpu1 = cpuMicros(server.pid)
  const gen1 = process.cpuUsage(gen0)
  const box1 = machineBusyMicros()
  const pgAfter = pgBefore ? cpuByPid('postgres') : null
  const mem = memory(server.pid)
  loop.disable()
  const windowS = (now() - wStart) / 1000
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

  if (trace) {
    const v = trace.values()
    const worst = new Map<number, number>()
    for (let i = 0; i < v.length; i += 2) {
      const b = Math.floor(v[i] / 100)
      worst.set(b, Math.max(worst.get(b) ?? 0, v[i + 1]))
    }
    const slow = [...worst].filter(([, l]) => l > 50).sort((x, y) => x[0] - y[0])
    console.log(`  trace ${server.name}: 100 ms slots of the window whose worst latency > 50 ms: ${slow.map(([b, l]) => `${(b / 10).toFixed(1)}s:${l.toFixed(0)}ms`).join(' ')}`)
  }
  const serverCpuUs = cpu1 - cpu0
  const genUs = gen1.user + gen1.system
  const msgs = writtenInWindow
  const pgUs = pgBefore && pgAfter ? cpuDelta(pgBefore, pgAfter) : 0
  return {
    server: `${server.name} (${server.storage})`,
    offered: opts.rate,
    achieved: msgs / windowS,
    skipped: skippedInWindow,
    deliveriesPerS: deliveriesInWindow / windowS,
    latP50: percentile(lat.values(), 50),
    latP99: percentile(lat.values(), 99),
    latMax: percentile(lat.values(), 100),
    ackP50: ack ? percentile(ackLat.values(), 50) : NaN,
    ackP99: ack ? percentile(ackLat.values(), 99) : NaN,
    lost: left.missing,
    duplicated: dups,
    unacked: left.unacked,
    serverCpuUs,
    cpuPerMessageUs: serverCpuUs / msgs,
    cpuPerDeliveryUs: serverCpuUs / Math.max(1, deliveriesInWindow),
    serverCores: serverCpuUs / (windowS * 1e6),
    rssMB: mem.rss / 2 ** 20,
    peakRssMB: mem.peak / 2 ** 20,
    genCores: genUs / (windowS * 1e6),
    genLoopP99: loop.percentile(99) / 1e6,
    pgCpuPerMessageUs: pgUs / Math.max(1, msgs),
    otherCores: Math.max(0, box1 - box0 - serverCpuUs - genUs - pgUs) / (windowS * 1e6),
    closed: closedDuringRun,
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
