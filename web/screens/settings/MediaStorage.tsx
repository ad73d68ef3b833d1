// The media this device keeps (photos, videos, files seen or sent): how much, up to how much, and a way to
// clear it. Files still waiting to be sent are not counted and never cleared.
import { useEffect, useState } from 'preact/hooks'
import { t } from '../../app/t.ts'
import { formatBytes } from '../../i18n/format.ts'
import { clearMedia, MEDIA_BUDGETS, mediaBudget, mediaUsage, setMediaBudget } from '../../media/blob-url.ts'

export function MediaStorage() {
  const [usage, setUsage] = useState<number | null>(null)
  const [budget, setBudget] = useState(mediaBudget())
  const [cleared, setCleared] = useState(false)
  const measure = () => void mediaUsage().then(setUsage, () => setUsage(0))
  useEffect(measure, [])
  const choices = MEDIA_BUDGETS.includes(budget) ? MEDIA_BUDGETS : [...MEDIA_BUDGETS, budget].sort((a, b) => a - b)
  return (
    <div class="stack">
      <p>{usage === null ? t('app.loading') : t('settings.mediaUsed', { size: formatBytes(usage) })}</p>
      <label class="field">
        <span class="field__label">{t('settings.mediaBudget')}</span>
        <select
          value={String(budget)}
          onChange={(e) => {
            const b = Number(e.currentTarget.value)
            setBudget(b)
            void setMediaBudget(b).then(measure)
          }}
        >
          {choices.map((b) => (
            <option key={b} value={String(b)}>
              {formatBytes(b)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        class="btn btn--block"
        disabled={!usage}
        onClick={() =>
          void clearMedia().then(() => {
            setCleared(true)
            measure()
          })
        }
      >
        {t('settings.mediaClear')}
      </button>
      {cleared && (
        <p class="muted" role="status">
          {t('settings.mediaCleared')}
        </p>
      )}
    </div>
  )
}
