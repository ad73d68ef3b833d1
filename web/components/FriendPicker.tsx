// Checkboxes for picking friends (new group, invite). Real checkboxes: keyboard and screen reader work.
import { sortByName } from '../i18n/format.ts'
import { t } from '../app/t.ts'
import { Avatar } from './Avatar.tsx'
import { UserText } from './UserText.tsx'
import { useFriends } from './useFriends.ts'

export function FriendPicker({
  picked,
  onChange,
  exclude = [],
}: {
  picked: string[]
  onChange: (ids: string[]) => void
  exclude?: string[]
}) {
  const state = useFriends()
  if (state.status === 'loading') return <p class="empty">{t('app.loading')}</p>
  if (state.status === 'unloaded') return <p class="empty">{t('newGroup.notLoaded')}</p>
  const list = sortByName(state.data.friends).filter((p) => !exclude.includes(p.id))
  if (list.length === 0) return <p class="empty">{t('newGroup.noFriends')}</p>
  return (
    <fieldset class="picker">
      <legend class="visually-hidden">{t('newGroup.pick')}</legend>
      {list.map((p) => {
        const on = picked.includes(p.id)
        return (
          <label key={p.id} class="row picker__row">
            <Avatar id={p.id} name={p.name} size={40} photo={p.photo} />
            <span class="row__body">
              <UserText class="row__title" text={p.name} />
              <span class="row__sub">@{p.handle}</span>
            </span>
            <input
              type="checkbox"
              class="picker__check"
              checked={on}
              value={p.id}
              onChange={() => onChange(on ? picked.filter((x) => x !== p.id) : [...picked, p.id])}
            />
          </label>
        )
      })}
    </fieldset>
  )
}
