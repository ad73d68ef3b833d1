// The entries of a list or a carousel post: each a title and an optional description, then what its kind
// adds (a link, buttons), as many as the kind's limits allow.
import type { ComponentChildren } from 'preact'
import { MAX_ITEM_DESCRIPTION_CHARS, MAX_ITEM_TITLE_CHARS } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'

interface Props<T extends { title: string; description: string }> {
  entries: T[]
  onChange: (entries: T[]) => void
  limits: { readonly min: number; readonly max: number }
  make: () => T
  /** the entry's legend ("Item 2"), and the add and remove labels */
  labels: { legend: (n: number) => string; add: string; remove: string }
  /** the fields the kind adds after the description */
  extra: (entry: T, set: (d: Partial<T>) => void) => ComponentChildren
}

export function EntryFields<T extends { title: string; description: string }>(p: Props<T>) {
  const { entries, onChange } = p
  const set = (i: number, d: Partial<T>) => onChange(entries.map((x, j) => (j === i ? { ...x, ...d } : x)))
  return (
    <div class="entry-fields">
      {entries.map((e, i) => (
        <fieldset key={i} class="entry-field">
          <legend>{p.labels.legend(i + 1)}</legend>
          <label class="field">
            <span class="field__label">{t('channels.entryTitle')}</span>
            <input
              maxLength={MAX_ITEM_TITLE_CHARS}
              value={e.title}
              onInput={(ev) => set(i, { title: ev.currentTarget.value } as Partial<T>)}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.entryDescription')}</span>
            <textarea
              rows={2}
              maxLength={MAX_ITEM_DESCRIPTION_CHARS}
              value={e.description}
              onInput={(ev) => set(i, { description: ev.currentTarget.value } as Partial<T>)}
            />
          </label>
          {p.extra(e, (d) => set(i, d))}
          {entries.length > p.limits.min && (
            <button type="button" class="btn btn--small" onClick={() => onChange(entries.filter((_, j) => j !== i))}>
              {p.labels.remove}
            </button>
          )}
        </fieldset>
      ))}
      {entries.length < p.limits.max && (
        <button type="button" class="btn btn--small" onClick={() => onChange([...entries, p.make()])}>
          {p.labels.add}
        </button>
      )}
    </div>
  )
}
