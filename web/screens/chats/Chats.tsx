// The chat list: pinned chats first, then newest first, live from the inbox doc (works offline).
// Archived chats are in a list of their own and stay there when a message comes (as in KakaoTalk).
import { useEffect, useState } from 'preact/hooks'
import {
  channelList,
  chatList,
  chatListEmptyShown,
  chatSettings,
  listsOf,
  me,
  mutedNow,
  unreadCount,
  unsentChats,
  type ChannelListItem,
  type ChatListItem,
} from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { back, go, route } from '../../app/router.ts'
import { formatChatTime, formatList } from '../../i18n/format.ts'
import { withLaterStrings } from '../../i18n/index.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { IconBack, IconClock, IconMore, IconMuted, IconPin, IconPlus } from '../../components/icons.tsx'
import { isolate } from '../../components/UserText.tsx'
import { latestLine } from '../../components/latest-line.ts'
import { withLocalLatest } from '../../models/local-latest.ts'
import type { ChannelActions as ChannelActionsSheet, ChatActions as ChatActionsSheet } from './ChatActions.tsx'
import { UnreadBadge } from '../../components/UnreadBadge.tsx'
import { RowMark } from '../../components/RowMarks.tsx'

// the sheet of a chat's actions is a chunk of its own: the list's first paint does not need it
let ChatActions: typeof ChatActionsSheet | null = null
let ChannelActions: typeof ChannelActionsSheet | null = null
let loadingActions: Promise<boolean> | null = null
const loadActions = (): Promise<boolean> =>
  // a channel's sheet speaks with the channels' strings, which come with the screens behind a tap
  (loadingActions ??= withLaterStrings(import('./ChatActions.tsx')).then(
    (m) => {
      ChatActions = m.ChatActions
      ChannelActions = m.ChannelActions
      return true
    },
    () => {
      loadingActions = null // offline before it was cached: the next press tries again
      return false
    },
  ))

/** The sheets' chunk, once it is in (fetched when a row's actions are first asked for); true when it is. */
function useActionsSheet(wanted: boolean, failed: () => void): boolean {
  const [, setLoaded] = useState(0)
  useEffect(() => {
    if (!wanted || ChatActions) return
    let live = true
    void loadActions().then((ok) => {
      if (live) ok ? setLoaded((n) => n + 1) : failed()
    })
    return () => {
      live = false
    }
  }, [wanted])
  return ChatActions !== null
}

/** The chats with the followed channels among them by time; pinned chats stay first. */
function withChannels(
  chats: ChatListItem[],
  channels: readonly ChannelListItem[],
  pinned: (id: string) => boolean,
): ({ chat: ChatListItem } | { channel: ChannelListItem })[] {
  const out: ({ chat: ChatListItem } | { channel: ChannelListItem })[] = []
  let i = 0
  for (const c of chats) {
    if (!pinned(c.id)) while (i < channels.length && channels[i].ts >= c.ts) out.push({ channel: channels[i++] })
    out.push({ chat: c })
  }
  while (i < channels.length) out.push({ channel: channels[i++] })
  return out
}

/** A followed channel's row: like a chat's, with the channel mark; it opens the channel's home. */
function ChannelRow({ c, onActions }: { c: ChannelListItem; onActions: () => void }) {
  return (
    <li class="row row--split chat-item channel-item">
      <a
        class="row chat-row"
        href={`#/channel/${c.id}`}
        onContextMenu={(e) => {
          e.preventDefault()
          onActions()
        }}
      >
        <Avatar id={c.id} name={c.name} size={48} photo={c.photo} channel />
        <span class="row__body">
          <span class="row__line">
            <span class="row__title">{isolate(c.name)}</span>
            {c.muted && (
              <RowMark label={t('chats.muted')}>
                <IconMuted />
              </RowMark>
            )}
            <time class="row__time" dateTime={new Date(c.ts).toISOString()}>
              {c.ts ? formatChatTime(c.ts) : ''}
            </time>
          </span>
          <span class="row__line">
            {/* on the second line, where it leaves the name its room on a phone */}
            <span class="row__tag">{t('chats.channelMark')}</span>
            <span class="row__sub">{c.preview ? isolate(c.preview) : ''}</span>
            <UnreadBadge count={c.unread} class={c.muted ? 'badge--muted' : ''} />
          </span>
        </span>
      </a>
      <button
        class="icon-btn chat-item__more"
        aria-label={t('chats.options', { name: c.name })}
        aria-haspopup="dialog"
        onClick={onActions}
      >
        <IconMore />
      </button>
    </li>
  )
}

export function chatTitle(c: Pick<ChatListItem, 'title' | 'kind' | 'members' | 'peer' | 'names'>): string {
  if (c.title) return c.title
  // an untitled group goes by its members' names, as its room's header calls it
  if (c.kind === 'group' && c.names?.length) return formatList(c.names)
  if (c.kind === 'group') return t('chats.groupUntitled', { count: c.members })
  // a direct chat names the other person; with no name, they deleted their account (docs/protocol.md)
  return c.peer ? t('app.deletedAccount') : t('chats.directUntitled')
}

/** A chat's picture: the group's photo, the other person's, or the channel's (the server keeps them live in the entry). */
export function ChatAvatar({ c, title, size }: { c: ChatListItem; title: string; size: number }) {
  return (
    <Avatar
      id={c.peer ?? c.channel ?? c.id}
      name={title}
      size={size}
      photo={c.photo}
      group={c.kind === 'group'}
      // an admin's chat with a user shows the user; the user's own, the channel
      channel={c.kind === 'channel' && !!c.channel && !c.asChannel}
    />
  )
}

export function Chats() {
  // an address of its own (#/chats/archived): the Chats tab and Back leave it, as they leave any screen
  const archivedView = route.value.name === 'chats' && route.value.arg === 'archived'
  const [acting, setActing] = useState<string | null>(null)
  const [actingChannel, setActingChannel] = useState<string | null>(null)
  const { main, archived } = listsOf(chatList.value)
  const list = archivedView ? archived : main
  const unsent = unsentChats.value
  const settings = chatSettings.value
  const myId = me.value?.id
  const open = route.value.name === 'chat' ? route.value.arg : ''
  const actingOn = acting ? chatList.value.find((c) => c.id === acting) : undefined
  const channels = archivedView ? [] : channelList.value
  const actingOnChannel = actingChannel ? channels.find((c) => c.id === actingChannel) : undefined
  const sheets = useActionsSheet(!!actingOn || !!actingOnChannel, () => {
    setActing(null)
    setActingChannel(null)
  })
  const rows = withChannels(list, channels, (id) => settings.get(id)?.pinned !== undefined)
  return (
    <section class="screen" aria-labelledby="chats-title">
      <header class="topbar">
        {archivedView && (
          <button class="icon-btn" onClick={() => back()} aria-label={t('app.back')}>
            <IconBack />
          </button>
        )}
        <h1 class="topbar__title" id="chats-title">
          {archivedView ? t('chats.archived') : t('chats.title')}
        </h1>
        {!archivedView && (
          <a class="icon-btn" href="#/new-group" aria-label={t('chats.newGroup')} title={t('chats.newGroup')}>
            <IconPlus />
          </a>
        )}
      </header>
      {list.length === 0 && archivedView ? (
        <div class="empty">
          <p>{t('chats.archivedEmpty')}</p>
        </div>
      ) : list.length === 0 && archived.length === 0 && channels.length === 0 ? (
        // not "no chats yet" before the list is known (a new device's chats are on their way), unless offline
        !chatListEmptyShown.value ? (
          <div class="empty" aria-busy="true" />
        ) : (
          <div class="empty">
            <p>{t('chats.empty')}</p>
            <a class="btn btn--primary" href="#/friends">
              {t('chats.findFriends')}
            </a>
          </div>
        )
      ) : (
        <ul class="list" aria-label={archivedView ? t('chats.archived') : t('chats.title')}>
          {rows.map((r) => {
            if ('channel' in r) {
              const id = r.channel.id
              return <ChannelRow key={`ch:${id}`} c={r.channel} onActions={() => setActingChannel(id)} />
            }
            // (its latest message as this device has it, where the server's cannot be right)
            const c = withLocalLatest(r.chat)
            const title = chatTitle(c)
            const muted = mutedNow(c.id)
            const said = latestLine(c)
            // nobody has written yet (or not since this user joined): said so, not a blank line
            const preview =
              !said && !c.from
                ? t('chats.noMessages')
                : said && c.kind === 'group' && c.from === myId
                  ? t('chats.youPrefix', { text: said })
                  : said
            return (
              <li key={c.id} class="row row--split chat-item">
                <a
                  class="row chat-row"
                  href={`#/chat/${c.id}`}
                  // beside the open chat on a wide screen, its row stays marked
                  aria-current={open === c.id ? 'page' : undefined}
                  onContextMenu={(e) => {
                    // a long press on a phone, a right click elsewhere
                    e.preventDefault()
                    setActing(c.id)
                  }}
                >
                  <ChatAvatar c={c} title={title} size={48} />
                  <span class="row__body">
                    <span class="row__line">
                      <span class="row__title">{isolate(title)}</span>
                      {/* "Group (3 members)" already says how many; a title or members' names do not */}
                      {c.kind === 'group' && (c.title || !!c.names?.length) && (
                        <span class="row__count" aria-label={t('chats.members', { count: c.members })}>
                          {c.members}
                        </span>
                      )}
                      {settings.get(c.id)?.pinned !== undefined && (
                        <RowMark label={t('chats.pinned')}>
                          <IconPin />
                        </RowMark>
                      )}
                      {muted && (
                        <RowMark label={t('chats.muted')}>
                          <IconMuted />
                        </RowMark>
                      )}
                      <time class="row__time" dateTime={new Date(c.ts).toISOString()}>
                        {c.ts ? formatChatTime(c.ts) : ''}
                      </time>
                    </span>
                    <span class="row__line">
                      {/* something written here has not reached the server yet */}
                      {unsent.has(c.id) && (
                        <span class="row__waiting" role="img" aria-label={t('chats.unsent')} title={t('chats.unsent')}>
                          <IconClock />
                        </span>
                      )}
                      {/* the channel an admin answers this user for */}
                      {c.asChannel && (
                        <span class="row__tag row__tag--via">{t('chats.answeringFor', { channel: isolate(c.asChannel) })}</span>
                      )}
                      {/* my chat with a channel, told apart from the channel's own row of posts */}
                      {c.kind === 'channel' && !c.asChannel && <span class="row__tag">{t('chats.channelChatMark')}</span>}
                      <span class="row__sub">{preview}</span>
                      <UnreadBadge count={c.unread} class={muted ? 'badge--muted' : ''} />
                    </span>
                  </span>
                </a>
                <button
                  class="icon-btn chat-item__more"
                  aria-label={t('chats.options', { name: title })}
                  aria-haspopup="dialog"
                  onClick={() => setActing(c.id)}
                >
                  <IconMore />
                </button>
              </li>
            )
          })}
          {!archivedView && archived.length > 0 && (
            <li>
              <button class="row row--button chat-archived" onClick={() => go('chats', 'archived')}>
                <span class="row__title">{t('chats.archived')}</span>
                <span class="row__count">{archived.length}</span>
                {/* an archived chat stays there when a message comes: its count shows here, not nowhere */}
                <UnreadBadge count={unreadCount(archived)} />
              </button>
            </li>
          )}
        </ul>
      )}
      {actingOn && sheets && ChatActions && (
        <ChatActions chat={actingOn} title={chatTitle(actingOn)} onClose={() => setActing(null)} />
      )}
      {actingOnChannel && sheets && ChannelActions && (
        <ChannelActions channel={actingOnChannel} onClose={() => setActingChannel(null)} />
      )}
    </section>
  )
}
