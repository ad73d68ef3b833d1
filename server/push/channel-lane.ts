// Pushes of channel posts: a lane of its own beside the chats' (service.ts), which the workers serve only
// when no chat push waits, and never with all of them, so that a channel with a million followers never
// holds a friend's message behind it. A post's commit (server/channels/effects.ts) only takes note; a
// channel's first post in a while starts a sweep coalesceMs later, so that a burst of posts is one push
// with the latest. The sweep pages the followers who have a subscription out of `follows` joined with
// `push_subs`, SWEEP_CHUNK rows at a time by keyset (the index follows(channel_id, user_id)), skips the
// author, a follower who muted the channel and one in their do-not-disturb window, and makes one push
// per device, at most `channelRate` a second per channel (a token bucket). A post made while a sweep
// runs is what the rest of that sweep carries; those it reached before get it in the next sweep. A post
// for some languages only (ChannelPost.langs) sweeps apart, through the followers whose Sori language is
// one of them, so that it neither replaces nor is replaced by a post for other readers; so does a post to
// a customer group's feed, through the group's people who follow the channel. Ads never come here
// (effects.ts): advertising is never pushed.
import type { Db } from '../db/db.ts'
import { noticeKey, type ChannelPostNotice } from '../channels/effects.ts'
import { logger } from '../log.ts'
import { isMuted } from './badge.ts'
import type { PushOptions } from './options.ts'
import { settingsOf, inDnd, type PrefsRow } from './prefs.ts'
import { Fifo } from './queue.ts'
import { renderChannelPayload } from './render.ts'
import type { PushRequest } from './send.ts'
import { subscriptionOf, type SubRow } from './subscriptions.ts'
import { attemptPush, type Attempting } from './attempt.ts'
import { pushRequest, type VapidSigner } from './vapid.ts'

const log = logger('push')

/** Follower devices per query of a sweep. */
const SWEEP_CHUNK = 500
/** Channel pushes made ahead of the workers at most: a sweep waits for room rather than queue a million. */
const ROOM = 64

export interface ChannelJob {
  req: PushRequest
  session: string
  user: string
  endpoint: string
  expires: number
  attempt: number
}

/** Pushes of one channel a second at most: `rate` tokens a second, up to a second's worth at once. */
class Bucket {
  private tokens: number
  private at = performance.now()

  constructor(private rate: number) {
    this.tokens = rate
  }

  /** Takes a token: 0, or how long to wait for one, ms. */
  take(): number {
    const now = performance.now()
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) * this.rate) / 1000)
    this.at = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate)
  }
}

/** A channel's pushes: the post they carry (the latest), and whether a sweep runs or is due. */
interface Sweep {
  latest: ChannelPostNotice
  running: boolean
  /** a post came while the sweep ran: another follows it */
  again: boolean
  timer: NodeJS.Timeout | null
  bucket: Bucket
}

type FollowerRow = SubRow & PrefsRow & { muted: number }

export class ChannelLane {
  /** pushes made, waiting for a worker (after every chat push) */
  readonly jobs = new Fifo<ChannelJob>()
  private sweeps = new Map<string, Sweep>()
  private waiting: (() => void)[] = []
  private timers = new Set<NodeJS.Timeout>()
  private closed = false

  constructor(
    private db: Db,
    private opts: PushOptions,
    private vapid: VapidSigner,
    /** there are jobs: the service's pump */
    private wake: () => void,
  ) {}

  /** The channels' commit listener (server/channels/sync.ts onChannelPosts): takes note and returns. */
  readonly posted = (notices: ChannelPostNotice[]): void => {
    if (this.closed) return
    for (const n of notices) {
      const s = this.sweeps.get(noticeKey(n))
      if (!s) {
        const fresh: Sweep = { latest: n, running: false, again: false, timer: null, bucket: new Bucket(this.opts.channelRate) }
        this.sweeps.set(noticeKey(n), fresh)
        this.schedule(fresh)
      } else {
        s.latest = n
        if (s.running) s.again = true
        else if (!s.timer) this.schedule(s)
      }
    }
  }

  /** Channel pushes waiting for a worker. */
  get queued(): number {
    return this.jobs.length
  }

  /** Channels with a sweep due or running. */
  get sweeping(): number {
    return this.sweeps.size
  }

  /** The next job for a worker; lets a sweep waiting for room go on. */
  take(): ChannelJob | undefined {
    const job = this.jobs.shift()
    if (this.jobs.length < ROOM) for (const w of this.waiting.splice(0)) w()
    return job
  }

  close(): void {
    this.closed = true
    for (const s of this.sweeps.values()) if (s.timer) clearTimeout(s.timer)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.sweeps.clear()
    this.jobs.clear()
    for (const w of this.waiting.splice(0)) w()
  }

  private schedule(s: Sweep): void {
    s.timer = setTimeout(() => {
      s.timer = null
      void this.run(s)
    }, this.opts.coalesceMs)
    s.timer.unref()
  }

  private async run(s: Sweep): Promise<void> {
    s.running = true
    s.again = false
    try {
      await this.sweep(s)
    } catch (e) {
      if (!this.closed) log.error('a channel push sweep failed', e)
    } finally {
      s.running = false
      if (!this.closed) {
        if (s.again) this.schedule(s)
        else if (this.sweeps.get(noticeKey(s.latest)) === s) this.sweeps.delete(noticeKey(s.latest))
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t)
        resolve()
      }, ms)
      t.unref()
      this.timers.add(t)
    })
  }

  private async sweep(s: Sweep): Promise<void> {
    const channel = s.latest.channel
    // a post for some languages: the followers whose Sori language is one of them
    const langs = s.latest.langs ?? []
    const forLangs = langs.length
      ? `AND f.user_id IN (SELECT u.id FROM users u WHERE u.lang IN (${langs.map(() => '?').join(', ')}))`
      : ''
    // a post to a customer group's feed: the group's people who follow the channel, paged through the
    // group (its primary key), so that the sweep costs the group's size, not the channel's
    const group = s.latest.group
    const people = group ? 'channel_group_members m JOIN follows f ON f.user_id = m.user_id AND f.channel_id = ?' : 'follows f'
    const whose = group ? 'm.group_id = ? AND' : 'f.channel_id = ? AND'
    const key = group ? 'm.user_id' : 'f.user_id'
    let after = { user: '', session: '' }
    for (;;) {
      const rows = await this.db.all<FollowerRow>(
        `SELECT f.user_id, f.muted, p.session_id, p.endpoint, p.p256dh, p.auth, p.lang, p.previews,
            r.dnd_from, r.dnd_to, r.dnd_tz, r.mentions
          FROM ${people} JOIN push_subs p ON p.user_id = f.user_id JOIN sessions se ON se.token_hash = p.session_id
            LEFT JOIN push_prefs r ON r.user_id = f.user_id
          WHERE ${whose} (${key} > ? OR (${key} = ? AND p.session_id > ?)) ${forLangs}
          ORDER BY ${key}, p.session_id LIMIT ?`,
        [...(group ? [channel, group] : [channel]), after.user, after.user, after.session, ...langs, SWEEP_CHUNK],
      )
      for (const r of rows) {
        if (this.closed) return
        // as of now: a mute, or a do-not-disturb time that began while the sweep ran, holds
        const now = Date.now()
        if (r.user_id === s.latest.author || isMuted(Number(r.muted), now) || inDnd(settingsOf(r), now)) continue
        for (let wait = s.bucket.take(); wait > 0; wait = s.bucket.take()) await this.sleep(wait)
        while (this.jobs.length >= ROOM && !this.closed) await new Promise<void>((resolve) => this.waiting.push(resolve))
        if (this.closed) return
        this.jobs.push(this.make(r, s.latest))
        this.wake()
      }
      if (rows.length < SWEEP_CHUNK) return
      const last = rows[rows.length - 1]
      after = { user: last.user_id, session: last.session_id }
    }
  }

  private make(sub: FollowerRow, n: ChannelPostNotice): ChannelJob {
    const payload = renderChannelPayload({
      lang: sub.lang,
      previews: Number(sub.previews) === 1,
      channel: { id: n.channel, name: n.name },
      post: { kind: n.kind, preview: n.preview },
    })
    return {
      // one topic per channel: a device gets the newest post it has not had yet
      req: pushRequest(this.vapid, sub, payload, {
        ttlSeconds: this.opts.ttlSeconds,
        urgency: 'normal',
        topicKey: `ch:${n.channel}`,
      }),
      session: sub.session_id,
      user: sub.user_id,
      endpoint: sub.endpoint,
      expires: Date.now() + this.opts.ttlSeconds * 1000,
      attempt: 0,
    }
  }

  /** Sends a job (a worker of the service's pool), and retries 429, 5xx and timeouts within the TTL. */
  async send(job: ChannelJob, attempting: Attempting): Promise<void> {
    if (job.attempt > 0) {
      const sub = await subscriptionOf(this.db, job.session)
      if (!sub || sub.endpoint !== job.endpoint || Date.now() >= job.expires) return
    }
    const delay = await attemptPush(attempting, job, job.attempt, 'a channel push')
    if (delay === null) return
    void this.sleep(delay).then(() => {
      if (this.closed) return
      job.attempt++
      this.jobs.push(job)
      this.wake()
    })
  }
}
