// The room's chat: who is in it, its title, and whether I have lost it. From the live inbox entry and
// the fetched chat info (cached, so offline too); the info is fetched again when the inbox says it changed.
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { Chat, Profile } from '../../../protocol/api.ts'
import { chatInfo, chatList, chatListLoaded, lostChats, type ChatListItem, type MessageView } from '../../models/index.ts'
import { formatList } from '../../i18n/format.ts'
import { chatTitle } from '../chats/Chats.tsx'

export interface RoomChat {
  chat: Chat | null
  members: Map<string, Profile>
  /** a chat with a channel: the channel, as which every message not from the chat's user shows */
  channel: { id: string; name: string; photo?: string; user: string } | null
  title: string
  memberCount: number
  /** the server closed our sockets (4403), or I am in neither the inbox nor the chat's member list */
  lost: boolean
  /** the inbox or the chat info says what this chat is (false while both are still on their way) */
  known: boolean
  /** a direct chat whose other person deleted their account: it takes no more messages */
  peerDeleted: boolean
}

/** a chat being opened or fetched is not called lost before this */
const LOST_AFTER_MS = 1500

function roomTitle(chat: Chat | null, entry: ChatListItem | undefined, myId: string): string {
  if (!chat || (entry && isPeerDeleted(entry))) return entry ? chatTitle(entry) : ''
  // a chat with a channel: its user sees the channel; the channel's admins see the user
  if (chat.kind === 'channel') {
    const user = chat.members[0]
    return !user || user.id === myId ? entry?.title || chat.channel?.name || '' : user.name
  }
  // the inbox entry is live (the server rewrites it on rename and invite); the chat info is fetched. An
  // untitled group goes by the members' names it lists, as the chat list calls it
  const liveTitle = chat.kind === 'group' && (entry?.title || entry?.names?.length) ? chatTitle(entry) : ''
  const others = chat.members.filter((p) => p.id !== myId)
  return liveTitle || chat.title || (chat.kind === 'direct' ? (others[0]?.name ?? '') : formatList(others.map((p) => p.name)))
}

/** The live inbox entry says so: a direct chat's peer with no name (docs/protocol.md). */
const isPeerDeleted = (entry: ChatListItem): boolean => entry.kind === 'direct' && !!entry.peer && entry.title === ''

export function useRoomChat(convId: string, messages: readonly MessageView[], myId: string): RoomChat {
  const info = useMemo(() => chatInfo(convId), [convId])
  const chat = info.value
  const entry = chatList.value.find((c) => c.id === convId)
  const members = new Map<string, Profile>((chat?.members ?? []).map((p) => [p.id, p]))

  // not in the inbox nor in the chat's members: left on this device, or an address of a chat I never was in
  const [settled, setSettled] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), LOST_AFTER_MS)
    return () => clearTimeout(timer)
  }, [])
  const lost = lostChats.value.has(convId) || (settled && chatListLoaded.value && !entry && !chat)

  // refetch the chat info when the live inbox says it changed, or someone unknown wrote
  const infoStale =
    !!chat && !!entry && ((chat.kind === 'group' && entry.title !== chat.title) || entry.members !== chat.members.length)
  // (in a chat with a channel, whoever is not its user writes as the channel: no one unknown)
  const unknownAuthor = !!chat && chat.kind !== 'channel' && messages.slice(-50).some((m) => !members.has(m.from))
  useEffect(() => {
    if (infoStale || unknownAuthor) chatInfo(convId)
  }, [infoStale, unknownAuthor])

  const user = chat?.kind === 'channel' ? chat.members[0]?.id : undefined
  const channel = chat?.kind === 'channel' && chat.channel ? { ...chat.channel, user: user ?? '' } : null
  // the channel's live name and photo are the user's inbox entry's
  if (channel && entry?.kind === 'channel' && !entry.asChannel) {
    channel.name = entry.title || channel.name
    channel.photo = entry.photo
  }
  return {
    chat,
    members,
    channel,
    title: roomTitle(chat, entry, myId),
    memberCount: entry?.members ?? chat?.members.length ?? 0,
    lost,
    known: !!chat || !!entry,
    peerDeleted: !!entry && isPeerDeleted(entry),
  }
}
