// The app's secret, just made: shown this once (Sori keeps it to sign webhook calls and never shows it
// again), with a way to copy it.
import { useEffect, useRef } from 'preact/hooks'
import { t } from '../../app/t.ts'
import { CopyButton } from './CopyButton.tsx'

export function SecretBox({ secret, onDone }: { secret: string; onDone: () => void }) {
  const box = useRef<HTMLElement>(null)
  // it may come while the user is further down the screen (a new secret): bring it into view
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [secret])
  return (
    <section ref={box} class="card apps__secret" aria-labelledby="app-fresh-secret-title">
      <h2 class="card__title" id="app-fresh-secret-title">
        {t('apps.secretNew')}
      </h2>
      <p class="apps__warning" role="alert">
        {t('apps.secretOnce')}
      </p>
      <div class="apps__value">
        <code class="apps__code" dir="ltr">
          {secret}
        </code>
        <CopyButton text={secret} label={`${t('apps.copy')}: ${t('apps.secret')}`} />
      </div>
      <div class="form__row">
        <button type="button" class="btn btn--small" onClick={onDone}>
          {t('apps.secretDone')}
        </button>
      </div>
    </section>
  )
}
