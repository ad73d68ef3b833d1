// What the channel's statistics count of its posts (docs/protocol.md, "Post views and clicks"): a post
// shown on the screen, at least half of it, counts once per device (the ids already counted are kept in
// localStorage, the newest KEEP of them), and every tap on one of its buttons or links counts. Reports
// wait in memory and go to the server together, at most every FLUSH_MS and when the page is hidden.
// They are indicative: a failed report is dropped, never tried again, and nothing waits for one.
import { MAX_INSIGHT_IDS, type ChannelInsights } from '../../protocol/channels.ts'
import { getToken } from '../account/api.ts'
import { me } from '../account/session.ts'
import { readLocal, writeLocal } from '../store/local-json.ts'

const FLUSH_MS = 3_000
const KEEP = 3_000
const key = (user: string) => `sori.insights.${user}`

/** the post ids this device counted as viewed, oldest first, for `user` */
let counted: { user: string; ids: string[]; set: Set<string> } | null = null
/** channel → what waits to be sent */
const pending = new Map<string, { views: Set<string>; clicks: string[] }>()
let timer: ReturnType<typeof setTimeout> | undefined

function countedOf(user: string): NonNullable<typeof counted> {
  if (counted?.user !== user) {
    const ids = readLocal<string[]>(key(user), [])
    counted = { user, ids: Array.isArray(ids) ? ids : [], set: new Set(ids) }
  }
  return counted
}

function queue(channel: string): { views: Set<string>; clicks: string[] } {
  let q = pending.get(channel)
  if (!q) pending.set(channel, (q = { views: new Set(), clicks: [] }))
  timer ??= setTimeout(flush, FLUSH_MS)
  return q
}

/** Counts post `post` of `channel` as viewed, unless this device did already. */
export function countView(channel: string, post: string): void {
  const user = me.peek()?.id
  if (!user) return
  const c = countedOf(user)
  if (c.set.has(post)) return
  c.set.add(post)
  c.ids.push(post)
  for (const old of c.ids.splice(0, Math.max(0, c.ids.length - KEEP))) c.set.delete(old)
  writeLocal(key(user), c.ids)
  queue(channel).views.add(post)
}

/** Counts a tap on a button or link of post `post` of `channel`. */
export function countClick(channel: string, post: string): void {
  const q = queue(channel)
  // a burst of taps beyond one request's worth adds nothing the figures need
  if (q.clicks.length < MAX_INSIGHT_IDS) q.clicks.push(post)
}

function send(channel: string, body: ChannelInsights): void {
  const token = getToken()
  if (!token) return
  // keepalive: a report made as the page goes away still leaves
  void fetch(`/api/channels/${encodeURIComponent(channel)}/insights`, {
    method: 'POST',
    keepalive: true,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).catch(() => {})
}

function flush(): void {
  clearTimeout(timer)
  timer = undefined
  for (const [channel, q] of pending) {
    const views = [...q.views]
    for (let i = 0; i < Math.max(views.length, q.clicks.length); i += MAX_INSIGHT_IDS) {
      const v = views.slice(i, i + MAX_INSIGHT_IDS)
      const c = q.clicks.slice(i, i + MAX_INSIGHT_IDS)
      send(channel, { ...(v.length ? { views: v } : {}), ...(c.length ? { clicks: c } : {}) })
    }
  }
  pending.clear()
}

if (typeof document !== 'undefined')
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush()
  })

let observer: IntersectionObserver | null = null
const watched = new Map<Element, { channel: string; post: string }>()

function seen(entries: IntersectionObserverEntry[]): void {
  for (const e of entries) {
    const w = watched.get(e.target)
    if (!w || !e.isIntersecting) continue
    // half of the post, or, for one taller than two screens, half of the screen
    const half = e.intersectionRatio >= 0.5 || (!!e.rootBounds && e.intersectionRect.height >= e.rootBounds.height / 2)
    if (!half) continue
    countView(w.channel, w.post)
    observer?.unobserve(e.target)
    watched.delete(e.target)
  }
}

/** Counts post `post` of `channel` once `el` shows it; returns what stops watching. */
export function watchPost(el: Element, channel: string, post: string): () => void {
  const user = me.peek()?.id
  if (!user || typeof IntersectionObserver === 'undefined' || countedOf(user).set.has(post)) return () => {}
  observer ??= new IntersectionObserver(seen, { threshold: [0, 0.1, 0.2, 0.3, 0.4, 0.5] })
  watched.set(el, { channel, post })
  observer.observe(el)
  return () => {
    observer?.unobserve(el)
    watched.delete(el)
  }
}
