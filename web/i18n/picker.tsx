// The language picker for the welcome and settings screens. Each language is named in itself, so a
// user who cannot read the current UI still finds theirs.
import { useState } from 'preact/hooks'
import { changeLanguage, lang, t } from './index.ts'
import { LOCALES, NATIVE_NAMES, isLocale } from './locales.ts'

export function LanguagePicker({ id = 'language-picker', class: className }: { id?: string; class?: string }) {
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState(false)
  const onChange = async (e: Event) => {
    const v = (e.currentTarget as HTMLSelectElement).value
    if (!isLocale(v)) return
    setBusy(true)
    setFailed(false)
    try {
      await changeLanguage(v)
    } catch {
      setFailed(true) // offline and that language was never loaded here
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class={`language-picker ${className ?? ''}`.trim()}>
      <label for={id} class="language-picker__label">
        {t('lang.label')}
      </label>
      <select id={id} class="language-picker__select" value={lang.value} onChange={onChange} disabled={busy} aria-busy={busy}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NATIVE_NAMES[l]}
          </option>
        ))}
      </select>
      {failed && (
        <p class="language-picker__error" role="alert">
          {t('lang.loadFailed')}
        </p>
      )}
    </div>
  )
}
