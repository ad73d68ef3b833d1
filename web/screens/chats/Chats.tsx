// The chat list: newest first, live from the inbox doc (works offline).
import { chatList, me, unsentChats, type ChatListItem } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { formatChatTime } from '../../i18n/format.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { IconClock, IconPlus } from '../../components/icons.tsx'
import { isolate } from '../../components/UserText.tsx'

export function chatTitle(c: Pick<ChatListItem, 'title' | 'kind' | 'members'>): string {
  if (c.title) return c.title
  return c.kind === 'group' ? t('chats.groupUntitled', { count: c.members }) : t('chats.directUntitled')
}

export function Chats() {
  const list = chatList.value
  const unsent = unsentChats.value
  const myId = me.value?.id
  return (
    <section class="screen" aria-labelledby="chats-title">
      <header class="topbar">
        <h1 class="topbar__title" id="chats-title">
          {t('chats.title')}
        </h1>
        <a class="icon-btn" href="#/new-group" aria-label={t('chats.newGroup')} title={t('chats.newGroup')}>
          <IconPlus />
        </a>
      </header>
      {list.length === 0 ? (
        <div class="empty">
          <p>{t('chats.empty')}</p>
          <a class="btn btn--primary" href="#/friends">
            {t('chats.findFriends')}
          </a>
        </div>
      ) : (
        <ul class="list" aria-label={t('chats.title')}>
          {list.map((c) => {
            const title = chatTitle(c)
            const preview = c.preview
              ? c.kind === 'group' && c.from === myId
                ? t('chats.youPrefix', { text: isolate(c.preview) })
                : isolate(c.preview)
              : ''
            return (
              <li key={c.id}>
                <a class="row chat-row" href={`#/chat/${c.id}`}>
                  <Avatar id={c.peer ?? c.id} name={title} size={48} />
                  <span class="row__body">
                    <span class="row__line">
                      <span class="row__title">{isolate(title)}</span>
                      {/* an untitled group's title already says how many */}
                      {c.kind === 'group' && c.title && (
                        <span class="row__count" aria-label={t('chats.members', { count: c.members })}>
                          {c.members}
                        </span>
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
                      <span class="row__sub">{preview}</span>
                      {c.unread > 0 && (
                        <span class="badge" aria-label={t('chats.unread', { count: c.unread })}>
                          {c.unread > 999 ? '999+' : c.unread}
                        </span>
                      )}
                    </span>
                  </span>
                </a>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
