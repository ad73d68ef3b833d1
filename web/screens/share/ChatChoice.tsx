// Where a shared card goes: checkboxes of the user's chats (newest first), then of friends without a 1:1
// chat yet (picking one starts it). Real checkboxes, as the friend picker's: keyboard and screen reader work.
import { chatList, chatListLoaded } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { isolate, UserText } from '../../components/UserText.tsx'
import { useFriendsWithoutChat } from '../../components/useFriends.ts'
import { chatTitle } from '../chats/Chats.tsx'

/** A pick: a chat by its id, or a friend (whose 1:1 chat is opened when the card is sent). */
export type Choice = { chat: string } | { friend: string }
export const pickKey = (p: Choice): string => ('chat' in p ? `c:${p.chat}` : `f:${p.friend}`)

function Row({
  pick,
  title,
  sub,
  avatar,
  picked,
  full,
  onToggle,
}: {
  pick: Choice
  title: string
  sub?: string
  avatar: { id: string; photo?: string; group?: boolean; channel?: boolean }
  picked: boolean
  full: boolean
  onToggle: (p: Choice) => void
}) {
  return (
    <label class="row picker__row">
      <Avatar id={avatar.id} name={title} size={40} photo={avatar.photo} group={avatar.group} channel={avatar.channel} />
      <span class="row__body">
        <UserText class="row__title" text={title} />
        {sub && <span class="row__sub">{sub}</span>}
      </span>
      <input
        type="checkbox"
        class="picker__check"
        checked={picked}
        disabled={!picked && full}
        value={pickKey(pick)}
        onChange={() => onToggle(pick)}
      />
    </label>
  )
}

export function ChatChoice({ picked, max, onChange }: { picked: Choice[]; max: number; onChange: (p: Choice[]) => void }) {
  const { friends, loading } = useFriendsWithoutChat()
  const chats = chatList.value
  const keys = new Set(picked.map(pickKey))
  const full = picked.length >= max
  const toggle = (p: Choice) => {
    const k = pickKey(p)
    onChange(keys.has(k) ? picked.filter((x) => pickKey(x) !== k) : [...picked, p])
  }
  if (!chatListLoaded.value) return <p class="empty">{t('app.loading')}</p>
  return (
    <>
      {chats.length > 0 && (
        <fieldset class="picker share__group">
          <legend class="share__legend">{t('share.chats')}</legend>
          {chats.map((c) => (
            <Row
              key={c.id}
              pick={{ chat: c.id }}
              title={chatTitle(c)}
              // a channel's chat with a customer: what goes there is sent as the channel, which the row says
              sub={c.asChannel ? t('chats.answeringFor', { channel: isolate(c.asChannel) }) : undefined}
              avatar={{
                id: c.peer ?? c.channel ?? c.id,
                photo: c.photo,
                group: c.kind === 'group',
                channel: c.kind === 'channel' && !!c.channel && !c.asChannel,
              }}
              picked={keys.has(`c:${c.id}`)}
              full={full}
              onToggle={toggle}
            />
          ))}
        </fieldset>
      )}
      {friends.length > 0 && (
        <fieldset class="picker share__group">
          <legend class="share__legend">{t('share.friends')}</legend>
          {friends.map((f) => (
            <Row
              key={f.id}
              pick={{ friend: f.id }}
              title={f.name}
              sub={`@${f.handle}`}
              avatar={{ id: f.id, photo: f.photo }}
              picked={keys.has(`f:${f.id}`)}
              full={full}
              onToggle={toggle}
            />
          ))}
        </fieldset>
      )}
      {chats.length === 0 && !loading && friends.length === 0 && <p class="empty">{t('share.nobody')}</p>}
    </>
  )
}
