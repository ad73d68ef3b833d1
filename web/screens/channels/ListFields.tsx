// A list post's items: one to five, each a title, an optional description and an optional web link.
import { LIST_ITEMS, MAX_ITEM_DESCRIPTION_CHARS, MAX_ITEM_TITLE_CHARS } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'
import { newItem, type ItemDraft } from './postDraft.ts'

export function ListFields({ items, onChange }: { items: ItemDraft[]; onChange: (items: ItemDraft[]) => void }) {
  const set = (i: number, d: Partial<ItemDraft>) => onChange(items.map((x, j) => (j === i ? { ...x, ...d } : x)))
  return (
    <div class="entry-fields">
      {items.map((it, i) => (
        <fieldset key={i} class="entry-field">
          <legend>{t('channels.itemN', { n: i + 1 })}</legend>
          <label class="field">
            <span class="field__label">{t('channels.entryTitle')}</span>
            <input maxLength={MAX_ITEM_TITLE_CHARS} value={it.title} onInput={(e) => set(i, { title: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.entryDescription')}</span>
            <textarea
              rows={2}
              maxLength={MAX_ITEM_DESCRIPTION_CHARS}
              value={it.description}
              onInput={(e) => set(i, { description: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.itemLink')}</span>
            <input type="url" placeholder="https://" value={it.url} onInput={(e) => set(i, { url: e.currentTarget.value })} />
          </label>
          {items.length > LIST_ITEMS.min && (
            <button type="button" class="btn btn--small" onClick={() => onChange(items.filter((_, j) => j !== i))}>
              {t('channels.removeItem')}
            </button>
          )}
        </fieldset>
      ))}
      {items.length < LIST_ITEMS.max && (
        <button type="button" class="btn btn--small" onClick={() => onChange([...items, newItem()])}>
          {t('channels.addItem')}
        </button>
      )}
    </div>
  )
}
