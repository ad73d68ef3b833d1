// A channel's chats with users, for its admins: who wrote (the only place the channel sees their name and
// photo), the latest message and what the channel has not read, newest first; a tap opens the chat, where
// the admin answers as the channel.
import { useEffect, useState } from 'preact/hooks'
import type { ChannelChatItem } from '../../../protocol/channels.ts'
import { channelChats, getChannel } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { formatChatTime } from '../../i18n/format.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { IconBack } from '../../components/icons.tsx'
import { isolate } from '../../components/UserText.tsx'
import { latestLine } from '../../components/latest-line.ts'
import { UnreadBadge } from '../../components/UnreadBadge.tsx'

/** how often the list is asked for again while it is on the screen, ms */
const REFRESH_MS = 15_000

export default function ChannelChats({ id }: { id: string }) {
  const [items, setItems] = useState<ChannelChatItem[] | null>(null)
  const [name, setName] = useState('')
  const [error, setError] = useState('')
  useEffect(() => {
    let live = true
    getChannel(id).then(
      (c) => live && setName(c.name),
      () => {},
    )
    const load = () =>
      channelChats(id).then(
        (list) => {
          if (!live) return
          setItems(list)
          setError('')
        },
        (e: unknown) => live && setError(errorText(e)),
      )
    void load()
    const timer = setInterval(() => void load(), REFRESH_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [id])

  return (
    <section class="screen" aria-labelledby="channel-chats-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('channels')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="channel-chats-title">
          {name ? t('channelChat.listTitle', { channel: isolate(name) }) : t('channelChat.chats')}
        </h1>
      </header>
      <div class="screen__scroll">
        <p class="form__error" role="alert">
          {error}
        </p>
        {items === null && !error && <p class="muted pad">{t('app.loading')}</p>}
        {items && items.length === 0 && <p class="muted pad">{t('channelChat.empty')}</p>}
        {items && items.length > 0 && (
          <ul class="list" aria-label={t('channelChat.chats')}>
            {items.map((c) => (
              <li key={c.id}>
                <a class="row chat-row" href={`#/chat/${c.id}`}>
                  <Avatar id={c.user.id} name={c.user.name} size={48} photo={c.user.photo} />
                  <span class="row__body">
                    <span class="row__line">
                      <span class="row__title">{isolate(c.user.name)}</span>
                      <time class="row__time" dateTime={new Date(c.ts).toISOString()}>
                        {formatChatTime(c.ts)}
                      </time>
                    </span>
                    <span class="row__line">
                      <span class="row__sub">{latestLine(c)}</span>
                      <UnreadBadge count={c.unread} />
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
