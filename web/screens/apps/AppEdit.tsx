// One of my apps (Sori Link): its details and icon, the app key its pages carry (with the snippet that
// loads the SDK), its secret (shown once, when it is made), a new key or secret, turning it off and on,
// and the templates its server stored.
import { useEffect, useState } from 'preact/hooks'
import {
  getApp,
  newAppKey,
  newSecret,
  setAppDisabled,
  setAppIcon,
  takeFreshSecret,
  updateApp,
  type App,
} from '../../models/apps.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { IconBack } from '../../components/icons.tsx'
import { PhotoButtons } from '../../components/PhotoButtons.tsx'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { AppIcon } from './AppIcon.tsx'
import { CopyButton } from './CopyButton.tsx'
import { SecretBox } from './SecretBox.tsx'
import { Templates } from './Templates.tsx'
import { appErrorText } from './appError.ts'
import { AppFieldsInputs, draftOf, fieldsOf, type Draft } from './fields.tsx'

/** What loads the SDK on the app's pages, with this app's key. */
const snippet = (appKey: string): string =>
  `<script src="${location.origin}/sdk/v1/sori.js"></script><script>Sori.init('${appKey}')</script>`

type Asking = 'key' | 'secret' | 'disable' | 'enable' | null

export default function AppEdit({ id }: { id: string }) {
  const [app, setApp] = useState<App | null | undefined>(undefined)
  const [loadError, setLoadError] = useState('')
  // taken once: leaving the screen or reloading it forgets the secret
  const [secret, setSecret] = useState<string | null>(() => takeFreshSecret(id))
  const [asking, setAsking] = useState<Asking>(null)
  const [busy, setBusy] = useState(false)
  const [actionError, setActionError] = useState('')
  useEffect(() => {
    getApp(id).then(setApp, (e: unknown) => setLoadError(errorText(e)))
  }, [id])

  async function act(run: () => Promise<App>, after?: (a: App) => void) {
    setBusy(true)
    setActionError('')
    try {
      const a = await run()
      setApp(a)
      after?.(a)
      setAsking(null)
    } catch (e) {
      setActionError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const confirm = (): void => {
    if (asking === 'key') void act(() => newAppKey(id))
    else if (asking === 'disable' || asking === 'enable') void act(() => setAppDisabled(id, asking === 'disable'))
    else if (asking === 'secret')
      void act(async () => {
        const { secret: s, ...a } = await newSecret(id)
        setSecret(s)
        return a
      })
  }

  return (
    <section class="screen" aria-labelledby="app-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('apps')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="app-title">
          {app?.name ?? t('apps.title')}
        </h1>
      </header>
      <div class="screen__scroll apps">
        <p class="form__error pad" role="alert">
          {loadError}
        </p>
        {app === undefined && !loadError && <p class="muted pad">{t('app.loading')}</p>}
        {app === null && <p class="muted pad">{t('apps.notFound')}</p>}
        {app && (
          <>
            {secret && <SecretBox secret={secret} onDone={() => setSecret(null)} />}
            <Details key={app.id} app={app} onSaved={setApp} />
            <section class="card" aria-labelledby="app-key-title">
              <h2 class="card__title" id="app-key-title">
                {t('apps.appKey')}
              </h2>
              <p class="muted">{t('apps.appKeyHint')}</p>
              <div class="apps__value">
                <code class="apps__code" dir="ltr">
                  {app.appKey}
                </code>
                <CopyButton text={app.appKey} label={`${t('apps.copy')}: ${t('apps.appKey')}`} />
              </div>
              <p class="field__label">{t('apps.snippet')}</p>
              <div class="apps__value apps__value--block">
                <code class="apps__code apps__snippet" dir="ltr">
                  {snippet(app.appKey)}
                </code>
                <CopyButton text={snippet(app.appKey)} label={`${t('apps.copy')}: ${t('apps.snippet')}`} />
              </div>
              <div class="form__row form__row--start">
                <button class="btn btn--small btn--danger" onClick={() => setAsking('key')}>
                  {t('apps.newKey')}
                </button>
              </div>
            </section>
            <section class="card" aria-labelledby="app-secret-title">
              <h2 class="card__title" id="app-secret-title">
                {t('apps.secret')}
              </h2>
              <p class="muted">{t('apps.secretHint')}</p>
              <div class="form__row form__row--start">
                <button class="btn btn--small btn--danger" onClick={() => setAsking('secret')}>
                  {t('apps.newSecret')}
                </button>
              </div>
            </section>
            <Templates appId={app.id} />
            <section class="card" aria-labelledby="app-state-title">
              <h2 class="card__title" id="app-state-title">
                {t('apps.status')}
              </h2>
              <p class={app.disabled ? 'apps__state apps__state--off' : 'apps__state'} role="status">
                {app.disabled ? t('apps.isOff') : t('apps.isOn')}
              </p>
              <p class="form__error" role="alert">
                {asking ? '' : actionError}
              </p>
              <div class="form__row form__row--start">
                {app.disabled ? (
                  <button class="btn btn--small" onClick={() => setAsking('enable')}>
                    {t('apps.enable')}
                  </button>
                ) : (
                  <button class="btn btn--small btn--danger" onClick={() => setAsking('disable')}>
                    {t('apps.disable')}
                  </button>
                )}
              </div>
            </section>
          </>
        )}
      </div>
      {asking && (
        <ConfirmSheet
          title={t(QUESTIONS[asking].title)}
          text={t(QUESTIONS[asking].text)}
          action={t(QUESTIONS[asking].title)}
          busy={busy}
          error={actionError}
          onConfirm={confirm}
          onCancel={() => {
            setAsking(null)
            setActionError('')
          }}
        />
      )}
    </section>
  )
}

const QUESTIONS: Record<Exclude<Asking, null>, { title: string; text: string }> = {
  key: { title: 'apps.newKey', text: 'apps.newKeyConfirm' },
  secret: { title: 'apps.newSecret', text: 'apps.newSecretConfirm' },
  disable: { title: 'apps.disable', text: 'apps.disableConfirm' },
  enable: { title: 'apps.enable', text: 'apps.enableConfirm' },
}

/** The name, icon, domains and URLs, saved together; a refusal changes nothing and says why. */
function Details({ app, onSaved }: { app: App; onSaved: (a: App) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(app))
  const [error, setError] = useState('')
  const [saved, setSaved] = useState('')
  const [busy, setBusy] = useState(false)
  async function save(e: Event) {
    e.preventDefault()
    setBusy(true)
    setError('')
    setSaved('')
    try {
      const a = await updateApp(app.id, fieldsOf(draft))
      onSaved(a)
      setDraft(draftOf(a))
      setSaved(t('apps.saved'))
    } catch (err) {
      setError(appErrorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="card form" onSubmit={save} aria-labelledby="app-details-title">
      <div class="card__head">
        <AppIcon app={{ ...app, name: draft.name || app.name }} size={56} />
        <h2 class="card__title" id="app-details-title">
          {t('apps.details')}
        </h2>
      </div>
      <PhotoButtons
        hasPhoto={!!app.icon}
        labels={[t('apps.iconAdd'), t('apps.iconChange'), t('apps.iconRemove')]}
        onSet={async (photo) => onSaved(await setAppIcon(app.id, photo))}
        onError={setError}
      />
      <AppFieldsInputs draft={draft} onChange={setDraft} />
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        <span class="muted" role="status">
          {saved}
        </span>
        <button class="btn btn--primary" type="submit" disabled={busy}>
          {t('apps.save')}
        </button>
      </div>
    </form>
  )
}
