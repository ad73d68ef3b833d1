// A list post's items: one to five, each a title, an optional description and an optional web link.
import { LIST_ITEMS } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'
import { EntryFields } from './EntryFields.tsx'
import { newItem, type ItemDraft } from './postDraft.ts'

export function ListFields({ items, onChange }: { items: ItemDraft[]; onChange: (items: ItemDraft[]) => void }) {
  return (
    <EntryFields
      entries={items}
      onChange={onChange}
      limits={LIST_ITEMS}
      make={newItem}
      labels={{ legend: (n) => t('channels.itemN', { n }), add: t('channels.addItem'), remove: t('channels.removeItem') }}
      extra={(it, set) => (
        <label class="field">
          <span class="field__label">{t('channels.itemLink')}</span>
          <input type="url" placeholder="https://" value={it.url} onInput={(e) => set({ url: e.currentTarget.value })} />
        </label>
      )}
    />
  )
}
