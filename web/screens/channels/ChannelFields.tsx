// The fields that say what a channel is, as its creator first writes them (NewChannel.tsx) and its admins
// change them later (EditChannel.tsx); the category picker is the directory's filter too (Directory.tsx).
import {
  CHANNEL_CATEGORIES,
  MAX_CHANNEL_DESCRIPTION_CHARS,
  MAX_CHANNEL_NAME_CHARS,
  type ChannelCategory,
} from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'

/** The category, one of the channel categories; with `any`, "All categories" (value '') first. */
export function CategoryField<V extends ChannelCategory | ''>({
  value,
  onChange,
  any = false,
}: {
  value: V
  onChange: (v: V) => void
  any?: boolean
}) {
  return (
    <label class="field">
      <span class="field__label">{t('channels.category')}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as V)}>
        {any && <option value="">{t('channels.allCategories')}</option>}
        {CHANNEL_CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {t(`channels.categories.${c}`)}
          </option>
        ))}
      </select>
    </label>
  )
}

export interface AboutValues {
  name: string
  description: string
  category: ChannelCategory
}

/** Its name, what it is about, and its category. */
export function AboutFields({
  values,
  onChange,
  rows = 3,
}: {
  values: AboutValues
  onChange: (v: AboutValues) => void
  rows?: number
}) {
  return (
    <>
      <label class="field">
        <span class="field__label">{t('channels.name')}</span>
        <input
          maxLength={MAX_CHANNEL_NAME_CHARS}
          value={values.name}
          onInput={(e) => onChange({ ...values, name: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span class="field__label">{t('channels.about')}</span>
        <textarea
          rows={rows}
          maxLength={MAX_CHANNEL_DESCRIPTION_CHARS}
          value={values.description}
          onInput={(e) => onChange({ ...values, description: e.currentTarget.value })}
        />
      </label>
      <CategoryField value={values.category} onChange={(category) => onChange({ ...values, category })} />
    </>
  )
}
