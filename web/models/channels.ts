// Channels (Plus Friends) as the app reads them (docs/protocol.md, "Channels (Plus Friends)"): the
// channels I follow (the server's list, kept on the device for offline starts), each one's head doc
// live (its latest post and post count), and how many posts of each the user has been shown (`seen`:
// unread = meta.count − seen), on this device and, through the settings of their own inbox doc, on their
// others (chat-settings.ts channelsSeen). The feeds of the customer groups I am in (Channel.groups) count
// in their channel's row, each seen under the group's id. Reading writes nothing a channel can read.
// What the channel screens do is in channel-actions.ts, downloaded with them.
import { computed, effect, signal } from '@preact/signals'
import type * as Y from 'yjs'
import { CHANNEL_ROOTS, channelHeadDoc, latestFor, unreadFor, type Channel, type TargetedPost } from '../../protocol/channels.ts'
import { api } from '../account/api.ts'
import { me } from '../account/session.ts'
import { readLocal, writeLocal } from '../store/local-json.ts'
import { openDoc, type DocRef } from '../sync/docs.ts'
import { channelList } from './channel-list.ts'
import { channelsSeen, shareChannelSeen } from './chat-settings.ts'
import { inboxSynced } from './inbox.ts'

/** What a channel's head says (meta). */
export interface ChannelHead {
  name: string
  handle: string
  /** the version of its photo; null: none */
  photo: string | null
  page: number
  count: number
  /** the latest post for everyone */
  preview: string
  ts: number
  /** the latest posts for some languages only: unreadFor and latestFor leave out those not for me */
  targeted: TargetedPost[]
}

export interface ChannelRow {
  channel: Channel
  head: ChannelHead | null
  unread: number
}

const listKey = (user: string) => `sori.channels.${user}`
const seenKey = (user: string) => `sori.channels.seen.${user}`

/** the channels I follow, latest follow first */
export const followed = signal<Channel[]>([])
const heads = signal<ReadonlyMap<string, ChannelHead>>(new Map())
/** channel → posts shown on this device (null: not known yet, taken as everything when the head comes) */
const seen = signal<Record<string, number | null>>({})

/** The language posts are kept to that I read them in; null for a channel's admin, shown every post. */
const readerLang = (c: Channel): string | null => (c.admin ? null : (me.value?.lang ?? ''))

export const channelRows = computed<ChannelRow[]>(() =>
  followed.value.map((channel) => {
    const head = heads.value.get(channel.id) ?? null
    const mine = seen.value[channel.id]
    // read on another device counts too; never less than what this device showed
    const s = typeof mine === 'number' ? Math.max(mine, channelsSeen.value.get(channel.id) ?? 0) : mine
    let unread = head && typeof s === 'number' ? unreadFor(head, s, readerLang(channel)) : 0
    // each of my customer groups' feeds counts as the channel's own does, under the group's id
    for (const g of channel.groups ?? []) unread += Math.max(0, g.latest.count - seenOf(g.id, g.latest.count))
    return { channel, head, unread }
  }),
)

/** Posts of feed `id` shown on this device or another of mine; `count` until this device has a figure. */
function seenOf(id: string, count: number): number {
  const mine = seen.value[id]
  return typeof mine === 'number' ? Math.max(mine, channelsSeen.value.get(id) ?? 0) : count
}

/** What a list row shows me: the latest post for me, of the channel's feed or one of my groups'. */
function rowLatest(r: ChannelRow): { preview: string; ts: number } {
  let out = r.head ? latestFor(r.head, readerLang(r.channel)) : { preview: '', ts: 0 }
  for (const g of r.channel.groups ?? []) if (g.latest.ts > out.ts) out = { preview: g.latest.preview, ts: g.latest.ts }
  return out
}

export function readHead(doc: Y.Doc): ChannelHead | null {
  const m = doc.getMap<unknown>(CHANNEL_ROOTS.head.meta)
  if (!m.size) return null
  const str = (k: string) => (typeof m.get(k) === 'string' ? (m.get(k) as string) : '')
  const num = (k: string) => (typeof m.get(k) === 'number' ? (m.get(k) as number) : 0)
  const targeted = m.get('targeted')
  return {
    name: str('name'),
    handle: str('handle'),
    photo: str('photo') || null,
    page: num('page'),
    count: num('count'),
    preview: str('preview'),
    ts: num('ts'),
    targeted: Array.isArray(targeted) ? (targeted as TargetedPost[]) : [],
  }
}

export function setSeen(id: string, n: number | null): void {
  const user = me.peek()?.id
  if (!user) return
  const next = { ...seen.peek(), [id]: n }
  seen.value = next
  writeLocal(seenKey(user), next)
}

/** Everything of channel `id` now counts as shown (its home is on the screen). */
export function markChannelSeen(id: string): void {
  const head = heads.peek().get(id)
  if (!head) return
  if (seen.peek()[id] !== head.count) setSeen(id, head.count)
  // shown here: read on the user's other devices too (a device that merely started counting shares nothing)
  shareChannelSeen(id, head.count)
}

/** A customer group's feed (its id, its head's count) is on the screen: all of it counts as shown, here and on my other devices. */
export function markGroupSeen(id: string, count: number): void {
  const had = seen.peek()[id]
  if (typeof had !== 'number' || had < count) setSeen(id, count)
  shareChannelSeen(id, count)
}

/** heads kept live over a socket each: the channels that posted last (the rest are asked for by the list) */
const LIVE_HEADS = 8
/** how often the followed list (with every channel's latest post) is asked for again while the app is in view */
const REFRESH_MS = 60_000

/** What the API's list says of a channel's head, until (or instead of) the head doc itself. */
const headOf = (c: Channel): ChannelHead => ({
  name: c.name,
  handle: c.handle,
  photo: c.photo,
  page: 0,
  ...c.latest,
  // a list kept on the device from before posts had languages
  targeted: c.latest.targeted ?? [],
})

/**
 * Fixes where this device starts counting feed `id`'s posts, if it has no figure yet: another device's
 * (chseen), else `count`. Only once the inbox has synced, so that another device's figure is in: started
 * from the count before that, the posts made since the follow would never count as unread here.
 */
function startAt(id: string, count: number): void {
  if (typeof seen.peek()[id] !== 'number' && inboxSynced.peek()) setSeen(id, channelsSeen.peek().get(id) ?? count)
}

/**
 * Keeps the followed channels' latest posts current while someone is signed in: the list from the
 * server (every channel's latest post, asked for again every minute while the app is in view), and the
 * heads of the channels that posted last live over sockets, so that their posts show within moments.
 * A socket per followed channel would not do: someone may follow hundreds.
 */
export function startChannels(userId: string): () => void {
  followed.value = readLocal<Channel[]>(listKey(userId), [])
  seen.value = readLocal<Record<string, number | null>>(seenKey(userId), {})
  const open = new Map<string, { ref: DocRef; stop: () => void }>()
  const sync = (): void => {
    const list = followed.peek()
    const known = new Map(heads.peek())
    for (const c of list) {
      const h = known.get(c.id)
      // the list's figure, unless a live head already knows more
      if (!h || h.count < c.latest.count) known.set(c.id, headOf(c))
      // a photo changed without a post: the list says so for the heads that are not live
      else if (!open.has(c.id) && h.photo !== c.photo) known.set(c.id, { ...h, photo: c.photo })
      startAt(c.id, c.latest.count)
      // a group this device had not seen yet: what its feed held before is not unread either
      for (const g of c.groups ?? []) startAt(g.id, g.latest.count)
    }
    heads.value = known
    const recent = [...list].sort((a, b) => b.latest.ts - a.latest.ts).slice(0, LIVE_HEADS)
    const want = new Set(recent.map((c) => c.id))
    for (const [id, o] of open)
      if (!want.has(id)) {
        o.stop()
        open.delete(id)
      }
    for (const id of want) {
      if (open.has(id)) continue
      const ref = openDoc(channelHeadDoc(id))
      const read = (): void => {
        const h = readHead(ref.doc)
        if (!h) return
        heads.value = new Map(heads.peek()).set(id, h)
        // followed before this device saw the channel: what was there is not "unread"
        startAt(id, h.count)
      }
      const meta = ref.doc.getMap(CHANNEL_ROOTS.head.meta)
      meta.observe(read)
      void ref.loaded.then(read)
      const stopLive = ref.live()
      open.set(id, {
        ref,
        stop: () => {
          meta.unobserve(read)
          stopLive()
          ref.release()
        },
      })
    }
  }
  const stopSync = followed.subscribe(sync)
  // the figures held back until the inbox synced: the list's now, and the live heads'
  const stopSynced = inboxSynced.subscribe((on) => {
    if (!on) return
    sync()
    for (const [id, o] of open) {
      const h = readHead(o.ref.doc)
      if (h) startAt(id, h.count)
    }
  })
  const refresh = (): void => {
    if (document.visibilityState === 'visible') void refreshFollowed().catch(() => {})
  }
  const timer = setInterval(refresh, REFRESH_MS)
  document.addEventListener('visibilitychange', refresh)
  const stopList = effect(() => {
    channelList.value = channelRows.value
      .map((row) => {
        const { channel: c, head, unread } = row
        return {
          id: c.id,
          name: head?.name || c.name,
          handle: c.handle,
          verified: c.verified,
          photo: (head ? head.photo : c.photo) ?? undefined,
          ...rowLatest(row),
          unread,
          muted: c.muted === -1 || (c.muted !== undefined && c.muted > Date.now()),
        }
      })
      .sort((a, b) => b.ts - a.ts)
  })
  void refreshFollowed().catch(() => {})
  return () => {
    clearInterval(timer)
    document.removeEventListener('visibilitychange', refresh)
    stopSync()
    stopSynced()
    stopList()
    channelList.value = []
    for (const o of open.values()) o.stop()
    open.clear()
    followed.value = []
    heads.value = new Map()
  }
}

export async function refreshFollowed(): Promise<void> {
  const user = me.peek()?.id
  const list = await api<Channel[]>('GET', '/api/me/channels')
  if (!user || me.peek()?.id !== user) return
  followed.value = list
  writeLocal(listKey(user), list)
}
