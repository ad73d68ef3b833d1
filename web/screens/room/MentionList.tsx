// The members a "@" being typed could name, above the composer; a tap (or Enter or Tab from the text box,
// which keeps the focus, arrows to choose) puts their @handle in the message.
import type { Profile } from '../../../protocol/api.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { UserText } from '../../components/UserText.tsx'

export const MENTION_LIST_ID = 'mention-list'
export const mentionOptionId = (p: Profile) => `mention-${p.id}`

export function MentionList({
  people,
  active,
  onPick,
}: {
  people: readonly Profile[]
  active: number
  onPick: (p: Profile) => void
}) {
  return (
    <ul class="mentions" id={MENTION_LIST_ID} role="listbox" aria-label={t('room.mentionList')}>
      {people.map((p, i) => (
        <li
          key={p.id}
          id={mentionOptionId(p)}
          role="option"
          aria-selected={i === active}
          class={`mentions__item ${i === active ? 'mentions__item--active' : ''}`}
          // the text box keeps the focus (and the phone its keyboard) through the tap
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(p)}
        >
          <Avatar id={p.id} name={p.name} photo={p.photo} size={32} />
          <UserText class="mentions__name" text={personName(p)} />
          <span class="mentions__handle">@{p.handle}</span>
        </li>
      ))}
    </ul>
  )
}
