// Copies a text (an app key, a snippet, a secret) and says so for a moment.
import { useEffect, useState } from 'preact/hooks'
import { t } from '../../app/t.ts'

// no clipboard outside a secure context (plain http on a LAN): said as a failure, the text stays selectable
const copyText = (text: string): Promise<void> =>
  'clipboard' in navigator ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'))

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [done, setDone] = useState<'' | 'ok' | 'failed'>('')
  useEffect(() => {
    if (!done) return
    const timer = setTimeout(() => setDone(''), 2000)
    return () => clearTimeout(timer)
  }, [done])
  return (
    <span class="copy">
      <button
        type="button"
        class="btn btn--small"
        aria-label={label}
        onClick={() =>
          copyText(text).then(
            () => setDone('ok'),
            () => setDone('failed'),
          )
        }
      >
        {t('apps.copy')}
      </button>
      <span class="muted copy__done" role="status">
        {done === 'ok' ? t('apps.copied') : done === 'failed' ? t('apps.copyFailed') : ''}
      </span>
    </span>
  )
}
