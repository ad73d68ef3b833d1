// Sending pushes, never on the message path. After a batch commits, its notices (notices.ts) are taken
// note of and planned later: for each member of the chat but the author, each of their devices with a
// subscription gets a push unless the chat is muted for them (a mention of their @handle passes when they
// want it), it is their do-not-disturb time, they blocked the author, or one of the device's sockets on
// this server says the chat is on its screen (viewing.ts). Per device and chat a push
// waits until coalesceMs after the one before it, so a burst becomes one later push with the latest message;
// a pool of `concurrency` workers sends them, each request with a deadline, and retries 429, 5xx and
// timeouts with backoff while the push is within its TTL. Read positions push nothing: they only lower the
// count and badge of the pushes that follow. Channel posts have a lane of their own (channel-lane.ts),
// served by the same workers only when no chat push waits, and never by all of them.
import type { NotificationSettings } from '../../protocol/push.ts'
import { answersFor, readerOf, unreadCount, type ConvState } from '../chats/convs.ts'
import type { ChatDomain } from '../chats/domain.ts'
import type { ChatBatch } from '../chats/effects.ts'
import { viewerUnread } from '../chats/hidden.ts'
import type { Db } from '../db/db.ts'
import type { Homes } from '../sync/homes.ts'
import { logger } from '../log.ts'
import { badgesOf, isMuted } from './badge.ts'
import { ChannelLane, type ChannelJob } from './channel-lane.ts'
import type { VapidKeys } from './keys.ts'
import { hiddenFrom, mentions, noticesOf, type Notice } from './notices.ts'
import type { PushOptions } from './options.ts'
import { settingsOf, inDnd, type PrefsRow } from './prefs.ts'
import { Fifo } from './queue.ts'
import { loadBundles, renderPayload, type Latest } from './render.ts'
import { startSender, type PushRequest } from './send.ts'
import { subscribedSessions, subscriptionOf, subscriptionsOfSessions, type SubRow } from './subscriptions.ts'
import { pushRequest, VapidSigner } from './vapid.ts'
import { viewing } from './viewing.ts'
import { attemptPush, type Attempting, type PushCounts } from './attempt.ts'

const log = logger('push')

/** Longest stretch the event loop spends on pushes before it serves sockets again, ms. */
const SLICE_MS = 1
/**
 * Committed messages wait this long to be planned together, ms: one look-up of the recipients' subscribed
 * devices per round, not one per group commit (hundreds a second under load, each a query). Nobody sees
 * it: a device's pushes of a chat are coalesced for seconds anyway.
 */
const PLAN_MS = 50
/** Users planned together: one query of their subscriptions and one of their settings. */
const CHUNK = 100
/** Pushes made together: their subscriptions, chats and badges are read in one go. */
const MAKE_BATCH = 64
/** What a node broadcasts when a device subscribed (announce). */
const SUBSCRIBED = 'push.subscribed'
/** How long planning takes a user whose devices had no subscription for unsubscribed still, ms. */
const UNSUBSCRIBED_MS = 60_000
/** Users remembered as unsubscribed at most (past it, the memory starts over). */
const UNSUBSCRIBED_MAX = 100_000

/** One device's pushes of one chat. */
interface Slot {
  key: string
  session: string
  user: string
  conv: string
  /** the message the next push carries; null: nothing to push */
  latest: Latest | null
  /** a message since the last push names the user */
  mention: boolean
  settings: NotificationSettings
  /** when the last push was made (performance.now()); coalescing waits from here */
  lastSent: number
  timer: NodeJS.Timeout | null
  /** waiting for a worker */
  queued: boolean
  /** counts the pushes made: a retry of an older one is dropped */
  gen: number
}

/** A push made for a slot, and sent (again, after a retryable answer) by a worker. */
interface Job {
  slot: Slot
  made: { req: PushRequest; gen: number; user: string; endpoint: string; expires: number }
  attempt: number
}

export interface PushStats {
  sent: number
  gone: number
  retried: number
  failed: number
  queued: number
  inFlight: number
  /** channels whose followers' pushes are due or being made; channel pushes waiting for a worker, and being sent */
  channelSweeps: number
  channelQueued: number
  channelInFlight: number
}

export class PushService {
  readonly vapid: VapidSigner
  private slots = new Map<string, Slot>()
  private incoming: Notice[] = []
  /** a planning round is due or under way */
  private planning = false
  private planTimer: NodeJS.Timeout | null = null
  /** slots due for a push, made MAKE_BATCH at a time (a few queries for the batch, not a few per push) */
  private due = new Fifo<Slot>()
  private making = false
  /** pushes made, waiting for a worker */
  private jobs = new Fifo<Job>()
  private active = 0
  private timers = new Set<NodeJS.Timeout>()
  private sender = startSender()
  /** when the event loop was last let go (see turn) */
  private sliceStart = 0
  private closed = false
  private sweeper: NodeJS.Timeout
  private chats: ChatDomain | null = null
  private counts: PushCounts = { sent: 0, gone: 0, retried: 0, failed: 0 }
  /** channel posts' pushes, after the chats' */
  private lane: ChannelLane
  private channelActive = 0
  /** what an attempt needs, made once rather than for every push */
  private attempting: Attempting
  /**
   * user → until when (Date.now()) planning takes them for unsubscribed. Most recipients of most messages
   * have no subscribed device, and looking that up again in every round was a query per hundred
   * recipients, the costliest statement of a message's (bench:instructions). A subscription made on any
   * node ends it at once (subscribed()).
   */
  private unsubscribed = new Map<string, number>()
  /** counts subscriptions made: a look-up that began before one marks nobody unsubscribed */
  private subscriptions = 0

  constructor(
    private db: Db,
    readonly keys: VapidKeys,
    readonly opts: PushOptions,
    /** the nodes: a subscription made on one ends every node's memory of the user as unsubscribed */
    private homes: Homes,
  ) {
    homes.handleAll(SUBSCRIBED, async ([userId]) => this.subscribed(userId))
    // messages between nodes may have been lost: whoever was unsubscribed is looked up again
    homes.onReconnect(() => {
      this.unsubscribed.clear()
      this.subscriptions++
    })
    // read now, not on the event loop's turn that makes the first push (twelve bundles to parse)
    loadBundles()
    this.vapid = new VapidSigner(keys)
    this.attempting = {
      db,
      sender: this.sender,
      vapid: this.vapid,
      opts,
      counts: this.counts,
      closed: () => this.closed,
    }
    this.lane = new ChannelLane(db, opts, this.vapid, () => this.pump())
    // slots of devices that have had no push for a while are forgotten
    this.sweeper = setInterval(() => this.sweep(), Math.max(10_000, opts.coalesceMs * 2))
    this.sweeper.unref()
  }

  /** The chats' commit listener (server/chats/effects.ts): takes note and returns; planning comes later. */
  readonly committed = (part: ChatBatch, chats: ChatDomain): void => {
    if (this.closed) return
    this.chats = chats
    const notices = noticesOf(part)
    if (notices.length === 0) return
    for (const n of notices) this.incoming.push(n)
    this.schedulePlan()
  }

  /** A device of `userId` subscribed (http.ts): every node looks their devices up again. */
  announce(userId: string): Promise<void> {
    return this.homes.broadcast(SUBSCRIBED, [userId])
  }

  private subscribed(userId: string): void {
    this.unsubscribed.delete(userId)
    this.subscriptions++
  }

  /** The channels' listener of committed posts (server/channels/sync.ts onChannelPosts). */
  get channelPosted(): ChannelLane['posted'] {
    return this.lane.posted
  }

  stats(): PushStats {
    return {
      ...this.counts,
      queued: this.due.length + this.jobs.length,
      inFlight: this.active,
      channelSweeps: this.lane.sweeping,
      channelQueued: this.lane.queued,
      channelInFlight: this.channelActive,
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.lane.close()
    clearInterval(this.sweeper)
    if (this.planTimer) clearTimeout(this.planTimer)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    for (const s of this.slots.values()) if (s.timer) clearTimeout(s.timer)
    this.slots.clear()
    this.due.clear()
    this.jobs.clear()
    await this.sender.close()
  }

  /**
   * Lets the event loop serve sockets when this turn has spent SLICE_MS on pushes: planning 10,000 of them,
   * or making them back to back, would otherwise hold every message behind it.
   */
  private async turn(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return
    await new Promise((r) => setImmediate(r))
    this.sliceStart = performance.now()
  }

  private schedulePlan(): void {
    if (this.planning || this.closed) return
    this.planning = true
    this.planTimer = setTimeout(() => {
      this.planTimer = null
      void this.planRound()
    }, PLAN_MS)
  }

  /** Plans what came in since the last round; what comes in meanwhile waits for the next. */
  private async planRound(): Promise<void> {
    const batch = this.incoming
    this.incoming = []
    try {
      if (!this.closed) await this.plan(batch)
    } catch (e) {
      if (!this.closed) log.error('planning pushes failed', e)
    } finally {
      this.planning = false
      if (this.incoming.length) this.schedulePlan()
    }
  }

  private async plan(notices: Notice[]): Promise<void> {
    const chats = this.chats!
    const todo: { n: Notice; conv: ConvState }[] = []
    // user → the notices for them, in order
    const byUser = new Map<string, number[]>()
    const add = (u: string, i: number) => {
      const list = byUser.get(u)
      if (list) {
        if (list[list.length - 1] !== i) list.push(i)
      } else byUser.set(u, [i])
    }
    for (const n of notices) {
      const conv = chats.convs.cached(n.conv) ?? (await chats.convs.get(n.conv))
      if (!conv) continue
      const i = todo.push({ n, conv }) - 1
      for (const u of conv.members.keys()) if (u !== n.author && !hiddenFrom(conv.hidden.get(u), n.author, n.pos)) add(u, i)
      // what a user writes to a channel reaches the admins who answer for it (an admin's answer, the user)
      if (conv.channel && conv.members.has(n.author)) for (const a of conv.channel.admins) if (answersFor(conv, a)) add(a, i)
    }
    // a chunk of users at a time, their rows dropped before the next: 10,000 recipients' rows kept alive
    // across the turns would be copied by every young-generation GC meanwhile, pauses of 10 ms and more
    const users = [...byUser.keys()]
    for (let c = 0; c < users.length && !this.closed; c += CHUNK) {
      await this.turn()
      const asked = Date.now()
      const ask = users.slice(c, c + CHUNK).filter((u) => !((this.unsubscribed.get(u) ?? 0) > asked))
      if (ask.length === 0) continue
      const seen = this.subscriptions
      const devices = new Map<string, string[]>()
      for (const s of await subscribedSessions(this.db, ask)) {
        const list = devices.get(s.user_id)
        if (list) list.push(s.session_id)
        else devices.set(s.user_id, [s.session_id])
      }
      if (seen === this.subscriptions) {
        if (this.unsubscribed.size + ask.length > UNSUBSCRIBED_MAX) this.unsubscribed.clear()
        for (const u of ask) if (!devices.has(u)) this.unsubscribed.set(u, asked + UNSUBSCRIBED_MS)
      }
      if (devices.size === 0) continue
      const prefs = await this.prefsOf([...devices.keys()])
      const now = Date.now()
      for (const [u, sessions] of devices) {
        await this.turn()
        const p = prefs.get(u)
        if (!p || inDnd(p.settings, now)) continue
        for (const i of byUser.get(u)!) {
          const { n, conv } = todo[i]
          const me = readerOf(conv, u)
          if (!me) continue
          const mention = n.texts.some((text) => mentions(text, p.handle))
          if (isMuted(me.muted, now) && !(mention && p.settings.mentions)) continue
          for (const session of sessions) this.offer(session, u, conv.id, n, mention, p.settings)
        }
      }
    }
  }

  private async prefsOf(users: string[]): Promise<Map<string, { handle: string; settings: NotificationSettings }>> {
    const out = new Map<string, { handle: string; settings: NotificationSettings }>()
    for (let i = 0; i < users.length; i += CHUNK) {
      await this.turn()
      const part = users.slice(i, i + CHUNK)
      const rows = await this.db.all<PrefsRow & { id: string; handle: string }>(
        `SELECT u.id, u.handle, p.dnd_from, p.dnd_to, p.dnd_tz, p.mentions FROM users u LEFT JOIN push_prefs p ON p.user_id = u.id
          WHERE u.id IN (${part.map(() => '?').join(', ')})`,
        part,
      )
      for (const r of rows) out.set(r.id, { handle: r.handle, settings: settingsOf(r) })
    }
    return out
  }

  /** Whether this session shows the chat right now (viewing.ts). */
  private reading(session: string, conv: string): boolean {
    return viewing(this.chats!.engine.docs.inGroup(conv), session)
  }

  private offer(session: string, user: string, conv: string, n: Notice, mention: boolean, settings: NotificationSettings): void {
    const key = `${session}\n${conv}`
    let slot = this.slots.get(key)
    if (this.reading(session, conv)) {
      // reading the chat: what it would say is on the screen already
      if (slot) slot.latest = null
      return
    }
    if (!slot) {
      slot = {
        key,
        session,
        user,
        conv,
        latest: null,
        mention: false,
        settings,
        lastSent: -Infinity,
        timer: null,
        queued: false,
        gen: 0,
      }
      this.slots.set(key, slot)
    }
    slot.latest = n.latest
    slot.mention ||= mention
    slot.settings = settings
    if (slot.queued || slot.timer) return
    const wait = slot.lastSent + this.opts.coalesceMs - performance.now()
    if (wait <= 0) this.enqueue(slot)
    else {
      const s = slot
      s.timer = setTimeout(() => {
        s.timer = null
        this.enqueue(s)
      }, wait)
      s.timer.unref()
    }
  }

  private enqueue(slot: Slot): void {
    if (this.closed || !slot.latest) return
    slot.queued = true
    this.due.push(slot)
    this.pump()
  }

  private pump(): void {
    while (!this.closed && this.active < this.opts.concurrency && this.jobs.length) {
      this.active++
      void this.run(this.jobs.shift()!)
    }
    // channel pushes only when no chat push waits, and one worker is always left for the next chat push
    const channelMax = Math.max(1, this.opts.concurrency - 1)
    while (
      !this.closed &&
      this.active < this.opts.concurrency &&
      this.channelActive < channelMax &&
      this.jobs.length === 0 &&
      this.lane.jobs.length
    ) {
      const job: ChannelJob = this.lane.take()!
      this.active++
      this.channelActive++
      void this.lane
        .send(job, this.attempting)
        .catch((e) => {
          if (!this.closed) log.error('a channel push failed', e)
        })
        .finally(() => {
          this.active--
          this.channelActive--
          this.pump()
        })
    }
    // made a batch ahead of the workers, not all 10,000 at once: what is made late carries the latest
    if (this.closed || this.making || !this.due.length || this.jobs.length >= this.opts.concurrency) return
    const batch: Slot[] = []
    while (batch.length < MAKE_BATCH && this.due.length) batch.push(this.due.shift()!)
    this.making = true
    void this.make(batch)
      .catch((e) => {
        if (!this.closed) log.error('making pushes failed', e)
      })
      .finally(() => {
        this.making = false
        this.pump()
      })
  }

  /** Makes the pushes of these slots (those that still have something to push) into `jobs`. */
  private async make(batch: Slot[]): Promise<void> {
    try {
      await this.turn()
      const live = batch.filter((s) => s.latest && !this.reading(s.session, s.conv))
      if (live.length === 0 || this.closed) return
      const chats = this.chats!
      // as they are now: signed out, subscribed anew, or another language since the pushes were planned
      const subs = await subscriptionsOfSessions(
        this.db,
        live.map((s) => s.session),
      )
      const convs = new Map<string, ConvState | null>()
      for (const s of live)
        if (!convs.has(s.conv)) convs.set(s.conv, chats.convs.cached(s.conv) ?? (await chats.convs.get(s.conv)))
      const badges = await badgesOf(chats, [...new Set(live.map((s) => s.user))])
      if (this.closed) return
      for (const s of live) {
        // each push is checked and made as things are when it is made (the slot's latest, the chat's reads)
        await this.turn()
        if (this.closed) return
        const made = this.makeOne(s, subs.get(s.session), convs.get(s.conv) ?? null, badges.get(s.user) ?? 0)
        if (made) this.jobs.push({ slot: s, made, attempt: 0 })
      }
    } finally {
      for (const s of batch) s.queued = false
    }
  }

  private makeOne(slot: Slot, sub: SubRow | undefined, conv: ConvState | null, badge: number): Job['made'] | null {
    const drop = () => {
      slot.latest = null
      slot.mention = false
      return null
    }
    const latest = slot.latest
    const me = conv && readerOf(conv, slot.user)
    if (!latest || !sub || !conv || !me || this.reading(slot.session, slot.conv)) return drop()
    // its author took the chat's latest message back before its push went: nothing of it goes now
    if (conv.lastRetracted) return drop()
    const now = Date.now()
    if (inDnd(slot.settings, now) || (isMuted(me.muted, now) && !(slot.mention && slot.settings.mentions))) return drop()
    const hidden = me.asChannel ? undefined : conv.hidden.get(slot.user)
    const count = hidden ? viewerUnread(conv.pageLengths, me.readPos, hidden) : unreadCount(conv.pageLengths, me.readPos)
    // read meanwhile, on another device
    if (count === 0) return drop()
    const author = latest.last.from
    const payload = renderPayload({
      lang: sub.lang,
      previews: Number(sub.previews) === 1,
      chat: {
        id: conv.id,
        kind: conv.kind,
        title: conv.title,
        members: conv.members.size,
        // in a chat with a channel, whoever is not its user answers as the channel
        sender:
          conv.channel && !conv.members.has(author)
            ? conv.channel.name
            : (conv.members.get(author)?.name ?? conv.former.get(author) ?? ''),
        // an admin is told which of their channels the user wrote to
        via: me.asChannel ? conv.channel?.name : undefined,
      },
      latest,
      count,
      badge,
      mention: slot.mention,
    })
    const urgency = conv.kind !== 'group' || slot.mention ? 'high' : 'normal'
    slot.latest = null
    slot.mention = false
    slot.lastSent = performance.now()
    slot.gen++
    return {
      req: pushRequest(this.vapid, sub, payload, { ttlSeconds: this.opts.ttlSeconds, urgency, topicKey: conv.id }),
      gen: slot.gen,
      user: sub.user_id,
      endpoint: sub.endpoint,
      expires: now + this.opts.ttlSeconds * 1000,
    }
  }

  /**
   * One worker's turn with a job: sent, and retried later after a 429, 5xx or timeout within the TTL. One
   * async function for it all (each layer of them is a few hundred bytes of garbage a push).
   */
  private async run(job: Job): Promise<void> {
    try {
      const { made } = job
      if (job.attempt > 0) {
        // a newer push of the chat replaces this one; a device signed out or subscribed anew gets none of it
        if (job.slot.gen !== made.gen) return
        const sub = await subscriptionOf(this.db, job.slot.session)
        if (!sub || sub.endpoint !== made.endpoint) return
        // past the TTL the push service would drop it anyway (SORI_PUSH_TTL=0: deliver now or never)
        if (Date.now() >= made.expires) return
      }
      const delay = await attemptPush(this.attempting, made, job.attempt, 'a push')
      if (delay !== null) this.retryLater(job, delay)
    } catch (e) {
      if (!this.closed) log.error('a push failed', e)
    } finally {
      this.active--
      this.pump()
    }
  }

  private retryLater(job: Job, delay: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      this.jobs.push({ slot: job.slot, made: job.made, attempt: job.attempt + 1 })
      this.pump()
    }, delay)
    t.unref()
    this.timers.add(t)
  }

  private sweep(): void {
    const old = performance.now() - this.opts.coalesceMs
    for (const [k, s] of this.slots) if (!s.latest && !s.timer && !s.queued && s.lastSent < old) this.slots.delete(k)
  }
}
