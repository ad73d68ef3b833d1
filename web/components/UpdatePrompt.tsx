import { updateReady } from '../app/update.ts'
import { t } from '../app/t.ts'

export function UpdatePrompt() {
  const apply = updateReady.value
  if (!apply) return null
  return (
    <div class="update-prompt" role="alert">
      <span>{t('update.ready')}</span>
      <button class="btn btn--small btn--primary" onClick={apply}>
        {t('update.reload')}
      </button>
      <button class="btn btn--small btn--ghost" onClick={() => (updateReady.value = null)}>
        {t('update.later')}
      </button>
    </div>
  )
}
