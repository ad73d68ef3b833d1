// What the channel screens do with channels (docs/protocol.md, "Channels (Plus Friends)"): the directory
// and search, a channel's home (its posts, live), follow, mute, block and report, making a channel, and an
// admin's post; a user's chat with a channel and the channel's list of them. Apart from models/channels.ts, which the chat list needs at start, so that none of this
// (the post grammar included) is downloaded before a channel screen opens.
import * as Y from 'yjs'
import {
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  checkPost,
  type Channel,
  type ChannelCategory,
  type ChannelChatItem,
  type ChannelGroup,
  type ChannelGroupBody,
  type ChannelList,
  type ChannelPost,
  type ReportReason,
} from '../../protocol/channels.ts'
import { MUTED_FOREVER } from '../../protocol/push.ts'
import type { Chat, UploadCreated } from '../../protocol/api.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import { api, ApiFailure, getToken } from '../account/api.ts'
import { me } from '../account/session.ts'
import { NOT_ADMIN } from '../../protocol/wire.ts'
import { connection } from '../sync/connection.ts'
import { onRefused, openDoc, whenSynced, type DocRef } from '../sync/docs.ts'
import { whenAcked } from './append.ts'
import { newMessageId } from '../kinds/page.ts'
import { followed, readHead, refreshFollowed, setSeen, type ChannelHead } from './channels.ts'
import { forgetChannelSeen, shareChannelSeen } from './chat-settings.ts'

export const searchChannels = (q: string, category: ChannelCategory | '', language = '', offset = 0): Promise<ChannelList> => {
  const p = new URLSearchParams()
  if (q.trim()) p.set('q', q.trim())
  if (category) p.set('category', category)
  if (language) p.set('lang', language)
  if (offset) p.set('offset', String(offset))
  return api<ChannelList>('GET', `/api/channels?${p.toString()}`)
}

export const getChannel = (id: string): Promise<Channel> => api<Channel>('GET', `/api/channels/${encodeURIComponent(id)}`)

async function relation(id: string, path: 'follow' | 'block', on: boolean): Promise<Channel> {
  const c = await api<Channel>(on ? 'POST' : 'DELETE', `/api/channels/${encodeURIComponent(id)}/${path}`)
  if (path === 'follow' && on) {
    setSeen(id, null)
    // where my devices start counting: what the channel holds now (those that see it later start here too,
    // and count what it posts meanwhile as unread)
    shareChannelSeen(id, c.latest.count)
  }
  if (!on || path === 'block')
    // its customer groups' reading positions go with it
    for (const feed of [id, ...(followed.peek().find((f) => f.id === id)?.groups ?? []).map((g) => g.id)]) forgetChannelSeen(feed)
  await refreshFollowed().catch(() => {})
  return c
}
export const follow = (id: string, on: boolean): Promise<Channel> => relation(id, 'follow', on)

/** Tells Sori's team what is wrong with a channel (docs/protocol.md, "Reports"); the channel is not told. */
export async function reportChannel(id: string, reason: ReportReason, note: string): Promise<void> {
  await api('POST', `/api/channels/${encodeURIComponent(id)}/report`, note ? { reason, note } : { reason })
}

/** Mutes a channel I follow until I turn it back on (its posts still come; only their pushes stop). */
export async function muteChannel(id: string, on: boolean): Promise<Channel> {
  await api('PUT', `/api/channels/${encodeURIComponent(id)}/mute`, { until: on ? MUTED_FOREVER : null })
  // the chat list marks a muted channel, from the followed list
  await refreshFollowed().catch(() => {})
  return await getChannel(id)
}
export const blockChannel = (id: string, on: boolean): Promise<Channel> => relation(id, 'block', on)

export const createChannel = (b: {
  handle: string
  name: string
  description: string
  category: ChannelCategory
  langs: string[]
}) => api<Channel>('POST', '/api/channels', b)

/** What an admin may change of a channel (its @ID stays). */
export const updateChannel = (
  id: string,
  b: { name?: string; description?: string; category?: ChannelCategory; langs?: string[] },
): Promise<Channel> => api<Channel>('PATCH', `/api/channels/${encodeURIComponent(id)}`, b)

/** One of a channel's admins, as its admins see them. */
export interface ChannelAdmin {
  id: string
  handle: string
  name: string
}
const adminsPath = (id: string) => `/api/channels/${encodeURIComponent(id)}/admins`
export const channelAdmins = (id: string): Promise<ChannelAdmin[]> => api<ChannelAdmin[]>('GET', adminsPath(id))
export const addChannelAdmin = (id: string, handle: string): Promise<ChannelAdmin[]> =>
  api<ChannelAdmin[]>('POST', adminsPath(id), { handle })
export const removeChannelAdmin = (id: string, userId: string): Promise<ChannelAdmin[]> =>
  api<ChannelAdmin[]>('DELETE', `${adminsPath(id)}/${encodeURIComponent(userId)}`)

/** A channel's posts, newest first, from its current page and the one before (live while open). */
export function watchPosts(id: string, onChange: (posts: ChannelPost[], head: ChannelHead | null) => void): () => void {
  const head = openDoc(channelHeadDoc(id))
  const stopHead = head.live()
  const pages = new Map<number, { ref: DocRef; stop: () => void }>()
  const emit = (): void => {
    const all: ChannelPost[] = []
    for (const n of [...pages.keys()].sort((a, b) => a - b)) {
      const doc = pages.get(n)!.ref.doc
      const retracted = doc.getMap<unknown>(CHANNEL_ROOTS.page.edits)
      for (const p of doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).toArray())
        if (p && typeof p === 'object' && !retracted.has(p.id)) all.push(p)
    }
    onChange(all.reverse(), readHead(head.doc))
  }
  const follow = (): void => {
    const h = readHead(head.doc)
    const want = h ? [h.page, h.page - 1].filter((n) => n >= 0) : []
    for (const n of want) {
      if (pages.has(n)) continue
      const ref = openDoc(channelPageDoc(id, n))
      const stopLive = ref.live()
      ref.doc.on('update', emit)
      void ref.loaded.then(emit)
      pages.set(n, {
        ref,
        stop: () => {
          ref.doc.off('update', emit)
          stopLive()
          ref.release()
        },
      })
    }
    emit()
  }
  const meta = head.doc.getMap(CHANNEL_ROOTS.head.meta)
  meta.observe(follow)
  void head.loaded.then(follow)
  return () => {
    meta.unobserve(follow)
    for (const p of pages.values()) p.stop()
    stopHead()
    head.release()
  }
}

/** Sets (or, with null, removes) a channel's photo, for its admins; the server crops it square and keeps no metadata. */
export const setChannelPhoto = (id: string, photo: Blob | null): Promise<Channel> =>
  photo
    ? api<Channel>('PUT', `/api/channels/${encodeURIComponent(id)}/photo`, photo)
    : api<Channel>('DELETE', `/api/channels/${encodeURIComponent(id)}/photo`)

/** A photo or video picked for a post, made ready on this device as a chat's is. */
export interface PickedMedia {
  kind: 'photo' | 'video'
  file: Blob
  w?: number
  h?: number
  dur?: number
  thumb?: string
}

/**
 * Makes a picked file ready to post: a photo resized and encoded again in a worker, which leaves its
 * metadata (EXIF, GPS) behind, with its ThumbHash; a video measured, with the ThumbHash of an early
 * frame. Null for anything else (a channel posts photos and videos only).
 */
export async function pickMedia(file: File): Promise<PickedMedia | null> {
  if (file.type.startsWith('video/')) {
    const meta = await import('../media/video-meta.ts').then((m) => m.videoMeta(file))
    return { kind: 'video', file, ...meta }
  }
  if (!file.type.startsWith('image/')) return null
  // a GIF keeps its frames: the server takes its metadata out
  const p = file.type === 'image/gif' ? null : await import('../media/prepare.ts').then((m) => m.preparePhoto(file))
  return p ? { kind: 'photo', file: p.blob, w: p.w, h: p.h, thumb: p.thumb } : { kind: 'photo', file }
}

/**
 * Uploads picked media for a post of channel `id` (its admins; docs/protocol.md, "Channels") and returns
 * what the post names. Announced here, then sent by the chat's resumable upload, which goes on from
 * where the server stands; the bytes are kept in this device's media cache, so they are never fetched back.
 */
export async function uploadChannelMedia(id: string, picked: PickedMedia, onProgress: (sent: number) => void): Promise<MediaRef> {
  const token = getToken()
  if (!token) throw new ApiFailure(401, 'unauthorized', 'signed out')
  const created = await api<UploadCreated>('POST', `/api/channels/${encodeURIComponent(id)}/uploads`, {
    kind: picked.kind,
    size: picked.file.size,
  })
  const { upload } = await import('../media/upload.ts')
  const info = await upload({
    convId: '',
    kind: picked.kind,
    file: picked.file,
    token,
    uploadId: created.id,
    saveId: async () => {},
    onProgress,
  })
  const media: MediaRef = { id: info.id, kind: info.kind, mime: info.mime, size: info.size }
  // a photo's size is the server's (it encoded it again); a video's is what the device measured
  const w = info.width ?? picked.w
  const h = info.height ?? picked.h
  if (w && h) Object.assign(media, { w, h })
  if (picked.thumb) media.thumb = picked.thumb
  if (picked.dur && picked.kind === 'video') media.dur = picked.dur
  await import('../media/blob-url.ts').then((m) => m.keepSent(info.id, picked.file, info.mime))
  return media
}

/** how long posting waits for the server to take the post or refuse it, before it leaves it to the outbox */
const POST_ANSWER_MS = 5_000

/**
 * Appends a post of mine (an admin's) to the channel's current page; the server checks the grammar too.
 * Fails with code `not_admin` when the server refuses it because I am no longer one of the admins.
 */
export async function postToChannel(id: string, post: Omit<ChannelPost, 'id' | 'from' | 'ts'>): Promise<void> {
  const userId = me.peek()?.id
  if (!userId) return
  const full = { id: newMessageId(), from: userId, ts: Date.now(), ...post } as ChannelPost
  const why = checkPost(full, userId)
  if (why) throw new Error(why)
  const head = openDoc(channelHeadDoc(id))
  const stop = head.live()
  try {
    await head.loaded
    // offline nothing would answer: the stored head says where the post goes
    if (connection.peek() !== 'offline') await whenSynced(head, 5000)
    const page = openDoc(channelPageDoc(id, readHead(head.doc)?.page ?? 0))
    // connected while the server's answer is awaited: a refusal is said in the composer, not left waiting
    const stopPage = page.live()
    let stopWatch = (): void => undefined
    const refused = new Promise<string>((resolve) => {
      stopWatch = onRefused((r) => {
        if (r.name === page.name) resolve(r.reason)
      })
    })
    try {
      await page.loaded
      const clock = Y.getState(page.doc.store, page.doc.clientID)
      page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([full])
      // offline or slow: it goes when it can (the outbox), and "posted" is what the admin asked for; a
      // refusal then comes later, and refused.ts sets the post aside
      if (connection.peek() === 'offline') return
      const why = await Promise.race([whenAcked(page, page.doc.clientID, clock, POST_ANSWER_MS).then(() => null), refused])
      if (why === NOT_ADMIN) throw Object.assign(new Error(why), { code: 'not_admin' })
    } finally {
      stopWatch()
      stopPage()
      page.release()
    }
  } finally {
    stop()
    head.release()
  }
}

/** My chat with a channel, opened on the server if it is not yet (the same one every time). */
export const openChannelChat = (id: string): Promise<Chat> => api('POST', `/api/channels/${encodeURIComponent(id)}/chat`)

/** A channel's chats with users, newest first (its admins only). */
export const channelChats = (id: string): Promise<ChannelChatItem[]> =>
  api('GET', `/api/channels/${encodeURIComponent(id)}/chats`)

// --- Customer groups (its admins) -----------------------------------------------------------------------
// A group's feed is named as a channel's (`ch:<groupId>`, `ch:<groupId>:<page>`): watchPosts and
// postToChannel take a group's id as they take a channel's.

const groupsPath = (id: string) => `/api/channels/${encodeURIComponent(id)}/groups`

/** A channel's customer groups, as its admins see them: names and post counts, nobody named or counted. */
export const channelGroups = (id: string): Promise<ChannelGroup[]> => api('GET', groupsPath(id))
export const createGroup = (id: string, body: Required<ChannelGroupBody>): Promise<ChannelGroup> =>
  api('POST', groupsPath(id), body)
/** Renames a group and/or replaces its list of Sori IDs. */
export const updateGroup = (id: string, groupId: string, body: ChannelGroupBody): Promise<ChannelGroup> =>
  api('PUT', `${groupsPath(id)}/${encodeURIComponent(groupId)}`, body)
export async function deleteGroup(id: string, groupId: string): Promise<void> {
  await api('DELETE', `${groupsPath(id)}/${encodeURIComponent(groupId)}`)
}

/**
 * The Sori IDs in what an admin pasted: one per line or separated by commas or spaces (ideographic ones
 * too), a leading @ dropped, each once, in lower case as IDs are kept.
 */
export function parseHandles(text: string): string[] {
  const out = new Set<string>()
  for (const part of text.split(/[\s,，、;]+/u)) {
    const h = part
      .replace(/^[@＠]/u, '')
      .trim()
      .toLowerCase()
    if (h) out.add(h)
  }
  return [...out]
}
