// Sign up / sign in. The language picker sits on top so that someone who cannot read the current
// language can switch before anything else.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { AppPublic } from '../../../protocol/link.ts'
import { APP_KEY_RE } from '../../../protocol/link-ids.ts'
import { api } from '../../account/api.ts'
import { isolate } from '../../components/UserText.tsx'
import { accountDeleted, endedElsewhere, signIn, signUp, usedBefore } from '../../account/session.ts'
import { HANDLE_RE, MAX_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '../../../protocol/limits.ts'
import { t, language } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { LanguagePicker } from '../../i18n/picker.tsx'
import { route, type RouteName } from '../../app/router.ts'

type Mode = 'signin' | 'signup'

/** What the screen the user was going to waits for (welcome.for*), by route. */
const GOING: Partial<Record<RouteName, 'welcome.forInvite' | 'welcome.forChannel' | 'welcome.forShare'>> = {
  invite: 'welcome.forInvite',
  c: 'welcome.forChannel',
  share: 'welcome.forShare',
}

/** The name of the app whose share window this is (`#/share/<appKey>`), once the server said it. */
function useSharingApp(): string {
  const { name, arg } = route.value
  const [app, setApp] = useState('')
  useEffect(() => {
    setApp('')
    if (name !== 'share' || !APP_KEY_RE.test(arg)) return
    let live = true
    // public (the SDK reads it from any page); an unknown key leaves the general words
    api<AppPublic>('GET', `/api/apps/key/${encodeURIComponent(arg)}`).then(
      (a) => live && !a.disabled && setApp(a.name),
      () => {},
    )
    return () => {
      live = false
    }
  }, [name, arg])
  return app
}

export function Welcome() {
  const sharingApp = useSharingApp()
  // someone new to Sori (nobody has signed in on this device) is most likely here to make an account
  const [mode, setMode] = useState<Mode>(() => (usedBefore() || endedElsewhere.peek() ? 'signin' : 'signup'))
  // signed out by the server: the account it was, to sign in again
  const [handle, setHandle] = useState(endedElsewhere.peek() ?? '')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState('')
  /** the fields a sign-up was refused for, all of them at once (one a try left the next for the next try) */
  const [invalid, setInvalid] = useState<{ handle?: boolean; password?: boolean }>({})
  const handleBox = useRef<HTMLInputElement>(null)
  const passwordBox = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)

  async function submit(e: Event) {
    e.preventDefault()
    setError('')
    setInvalid({})
    const h = handle.trim().toLowerCase()
    // nothing to ask the server about (and no attempt to spend of the sign-in throttle)
    if (mode === 'signin' && (!h || !password)) {
      setError(t('welcome.fillIn'))
      return
    }
    if (mode === 'signup') {
      const bad = { handle: !HANDLE_RE.test(h), password: password.length < MIN_PASSWORD_CHARS }
      if (bad.handle || bad.password) {
        setInvalid(bad)
        setError([bad.handle && t('errors.handle_invalid'), bad.password && t('errors.password_weak')].filter(Boolean).join('\n'))
        // the first field to fix, on the screen (a phone's form is taller than its screen) with its hint
        ;(bad.handle ? handleBox : passwordBox).current?.focus()
        return
      }
    }
    setBusy(true)
    try {
      if (mode === 'signup')
        await signUp({
          handle: h,
          name: name.trim() || h,
          password,
          lang: language.value,
          device: navigator.userAgent.slice(0, 100),
        })
      else await signIn({ handle: h, password, device: navigator.userAgent.slice(0, 100) })
      // an invite link, a brand's "Add channel" button or an app's share screen opened while signed out is where the user was going
      if (!/^#\/(invite|c|share)\//.test(location.hash)) location.hash = '#/chats'
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const signup = mode === 'signup'
  return (
    <section class="welcome">
      <div class="welcome__lang">
        <LanguagePicker />
      </div>
      <div class="welcome__brand">
        <img src="/icons/icon.svg" alt="" width={72} height={72} />
        <h1 class="welcome__title">{t('app.name')}</h1>
        <p class="welcome__tagline">{t('welcome.tagline')}</p>
      </div>
      {GOING[route.value.name] && (
        // opened from a link while signed out: say what signing in leads to, so the form is not a dead end
        <p class="welcome__notice" role="status">
          {sharingApp ? t('welcome.forShareFrom', { app: isolate(sharingApp) }) : t(GOING[route.value.name]!)}
        </p>
      )}
      {accountDeleted.value && (
        <p class="welcome__notice" role="status">
          {t('welcome.accountDeleted')}
        </p>
      )}
      {endedElsewhere.value && (
        <p class="welcome__notice" role="status">
          {t('welcome.signedOutElsewhere')}
        </p>
      )}
      <div class="segmented" role="tablist" aria-label={t('welcome.modeLabel')}>
        <button
          type="button"
          role="tab"
          id="tab-signin"
          aria-controls="welcome-form"
          aria-selected={!signup}
          class="segmented__item"
          onClick={() => {
            setMode('signin')
            setError('')
          }}
        >
          {t('welcome.signIn')}
        </button>
        <button
          type="button"
          role="tab"
          id="tab-signup"
          aria-controls="welcome-form"
          aria-selected={signup}
          class="segmented__item"
          onClick={() => {
            setMode('signup')
            setError('')
          }}
        >
          {t('welcome.signUp')}
        </button>
      </div>
      <div id="welcome-form" role="tabpanel" aria-labelledby={signup ? 'tab-signup' : 'tab-signin'}>
        <form class="form" onSubmit={submit} noValidate>
          <div class="field">
            <label class="field__label" for="welcome-handle">
              {t('welcome.handle')}
            </label>
            <input
              id="welcome-handle"
              name="handle"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              maxLength={20}
              ref={handleBox}
              value={handle}
              onInput={(e) => setHandle(e.currentTarget.value)}
              aria-invalid={invalid.handle || undefined}
              aria-describedby={signup ? 'handle-hint' : undefined}
            />
            {signup && (
              <span class="field__hint" id="handle-hint">
                {t('welcome.handleHint')}
              </span>
            )}
          </div>
          {signup && (
            <label class="field">
              <span class="field__label">{t('welcome.name')}</span>
              <input
                name="name"
                autocomplete="nickname"
                maxLength={MAX_NAME_CHARS}
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
          )}
          <div class="field">
            <label class="field__label" for="welcome-password">
              {t('welcome.password')}
            </label>
            <input
              id="welcome-password"
              name="password"
              type="password"
              autocomplete={signup ? 'new-password' : 'current-password'}
              required
              maxLength={MAX_PASSWORD_CHARS}
              ref={passwordBox}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-invalid={invalid.password || undefined}
              aria-describedby={signup ? 'password-hint' : undefined}
            />
            {signup && (
              <span class="field__hint" id="password-hint">
                {t('welcome.passwordHint', { count: MIN_PASSWORD_CHARS })}
              </span>
            )}
          </div>
          <p class="form__error" role="alert">
            {error}
          </p>
          <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy ? t('app.wait') : signup ? t('welcome.createAccount') : t('welcome.signIn')}
          </button>
        </form>
      </div>
    </section>
  )
}
