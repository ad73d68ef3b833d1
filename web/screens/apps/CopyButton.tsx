// Copies a text (an app key, a snippet, a secret) and says so for a moment.
import { t } from '../../app/t.ts'
import { useCopy } from '../../components/use-copy.ts'

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { done, copy } = useCopy()
  return (
    <span class="copy">
      <button type="button" class="btn btn--small" aria-label={label} onClick={() => copy(text)}>
        {t('apps.copy')}
      </button>
      <span class="muted copy__done" role="status">
        {done === 'ok' ? t('apps.copied') : done === 'failed' ? t('apps.copyFailed') : ''}
      </span>
    </span>
  )
}
