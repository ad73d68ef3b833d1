// My apps (Sori Link): the apps I registered, each opening its own screen, and registering a new one.
// Registering answers the app's secret once: its screen shows it (takeFreshSecret).
import { useEffect, useRef, useState } from 'preact/hooks'
import { listApps, registerApp, type App } from '../../models/apps.ts'
import { t } from '../../app/t.ts'
import { back, go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { IconBack } from '../../components/icons.tsx'
import { AppIcon } from './AppIcon.tsx'
import { appErrorText } from './appError.ts'
import { AppFieldsInputs, emptyDraft, fieldsOf } from './fields.tsx'

export default function AppsList() {
  const [apps, setApps] = useState<App[] | null>(null)
  const [error, setError] = useState('')
  const [registering, setRegistering] = useState(false)
  useEffect(() => {
    listApps().then(setApps, (e: unknown) => setError(errorText(e)))
  }, [])

  return (
    <section class="screen" aria-labelledby="apps-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('settings')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="apps-title">
          {t('apps.title')}
        </h1>
      </header>
      <div class="screen__scroll apps">
        <p class="muted pad">{t('apps.intro')}</p>
        <p class="form__error" role="alert">
          {error}
        </p>
        {apps === null && !error && <p class="muted pad">{t('app.loading')}</p>}
        {apps?.length === 0 && !registering && <p class="muted pad">{t('apps.none')}</p>}
        {apps && apps.length > 0 && (
          <ul class="apps__list" aria-label={t('apps.title')}>
            {apps.map((a) => (
              <li key={a.id}>
                <a class="row row--button" href={`#/app/${a.id}`}>
                  <AppIcon app={a} size={44} />
                  <span class="row__body">
                    <span class="row__line">
                      <span class="row__title">{a.name}</span>
                      {a.disabled && <span class="row__tag apps__off">{t('apps.off')}</span>}
                    </span>
                    <span class="row__sub" dir="ltr">
                      {a.domains.join(' · ')}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
        {registering ? (
          <RegisterForm onCancel={() => setRegistering(false)} />
        ) : (
          <div class="pad">
            <button class="btn btn--primary btn--block" onClick={() => setRegistering(true)}>
              {t('apps.register')}
            </button>
          </div>
        )}
      </div>
    </section>
  )
}

function RegisterForm({ onCancel }: { onCancel: () => void }) {
  const [draft, setDraft] = useState(emptyDraft)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const form = useRef<HTMLFormElement>(null)
  // it opens below the list: bring it into view, ready to type
  useEffect(() => {
    form.current?.scrollIntoView({ block: 'start' })
    form.current?.querySelector('input')?.focus({ preventScroll: true })
  }, [])
  async function submit(e: Event) {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const app = await registerApp(fieldsOf(draft))
      go('app', app.id)
    } catch (err) {
      setError(appErrorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form ref={form} class="card form" onSubmit={submit} aria-labelledby="apps-register-title">
      <h2 class="card__title" id="apps-register-title">
        {t('apps.register')}
      </h2>
      <AppFieldsInputs draft={draft} onChange={setDraft} />
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        <button type="button" class="btn" onClick={onCancel}>
          {t('app.cancel')}
        </button>
        <button class="btn btn--primary" type="submit" disabled={busy}>
          {t('apps.registerButton')}
        </button>
      </div>
    </form>
  )
}
