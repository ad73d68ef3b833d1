// The account part of Settings: change the password, see the signed-in devices and sign any one of
// them out, download what the server holds about the account, and delete it.
import { useEffect, useState } from 'preact/hooks'
import { MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '../../../protocol/limits.ts'
import {
  changePassword,
  deleteAccount,
  deviceName,
  downloadExport,
  listDevices,
  signOutDevice,
  type DeviceSession,
} from '../../account/account.ts'
import { t } from '../../app/t.ts'
import { unsentChats } from '../../models/index.ts'
import { errorText } from '../../app/errors.ts'
import { formatChatTime } from '../../i18n/format.ts'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { Sheet } from '../../components/Sheet.tsx'

// a wrong current password is not the sign-in's "ID or password" error
const passwordError = (e: unknown): string =>
  (e as { code?: string }).code === 'wrong_credentials' ? t('account.wrongPassword') : errorText(e)

/** The account's current password, asked again before a change that a stolen session must not make alone. */
function CurrentPassword({ name, value, onInput }: { name: string; value: string; onInput: (v: string) => void }) {
  return (
    <label class="field">
      <span class="field__label">{t('account.currentPassword')}</span>
      <input
        name={name}
        type="password"
        autocomplete="current-password"
        required
        maxLength={MAX_PASSWORD_CHARS}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </label>
  )
}

function PasswordForm() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [done, setDone] = useState('')

  async function submit(e: Event) {
    e.preventDefault()
    setError('')
    setDone('')
    if (next.length < MIN_PASSWORD_CHARS) {
      setError(t('errors.password_weak'))
      return
    }
    setBusy(true)
    try {
      await changePassword({ current, password: next })
      setCurrent('')
      setNext('')
      setDone(t('account.passwordChanged'))
    } catch (err) {
      setError(passwordError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card form" onSubmit={submit} aria-labelledby="password-title">
      <h2 class="card__title" id="password-title">
        {t('account.password')}
      </h2>
      <CurrentPassword name="current-password" value={current} onInput={setCurrent} />
      <div class="field">
        <label class="field__label" for="account-new-password">
          {t('account.newPassword')}
        </label>
        <input
          id="account-new-password"
          name="new-password"
          type="password"
          autocomplete="new-password"
          required
          maxLength={MAX_PASSWORD_CHARS}
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
          aria-describedby="account-password-hint"
        />
        <span class="field__hint" id="account-password-hint">
          {t('welcome.passwordHint', { count: MIN_PASSWORD_CHARS })} {t('account.passwordOthersSignedOut')}
        </span>
      </div>
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        <span class="muted" role="status">
          {done}
        </span>
        <button class="btn btn--primary" type="submit" disabled={busy}>
          {busy ? t('app.wait') : t('account.changePassword')}
        </button>
      </div>
    </form>
  )
}

function Devices() {
  const [devices, setDevices] = useState<DeviceSession[] | null>(null)
  const [error, setError] = useState('')
  const [asking, setAsking] = useState<DeviceSession | null>(null)
  const [busy, setBusy] = useState(false)

  const load = () =>
    listDevices().then(
      (d) => {
        setDevices(d)
        setError('')
      },
      (e) => setError(errorText(e)),
    )
  useEffect(() => {
    void load()
  }, [])

  async function signOut(d: DeviceSession) {
    setBusy(true)
    try {
      await signOutDevice(d)
      setAsking(null)
      if (!d.current) await load()
    } catch (e) {
      setError(errorText(e))
      setAsking(null)
    } finally {
      setBusy(false)
    }
  }

  const label = (d: DeviceSession) => (d.device ? deviceName(d.device) : t('account.unknownDevice'))
  return (
    <section class="card" aria-labelledby="devices-title">
      <h2 class="card__title" id="devices-title">
        {t('account.devices')}
      </h2>
      <p class="form__error" role="alert">
        {error}
      </p>
      {!devices && !error && <p class="muted">{t('app.loading')}</p>}
      {devices && (
        <ul class="devices" aria-labelledby="devices-title">
          {devices.map((d) => (
            <li key={d.id} class="devices__item">
              <div class="devices__text">
                <span class="devices__name">{label(d)}</span>
                <span class="muted">
                  {d.current ? t('account.thisDevice') : t('account.lastActive', { when: formatChatTime(d.seen) })}
                </span>
                {d.push && <span class="muted">{t('account.getsNotifications')}</span>}
              </div>
              {/* named for a screen reader so that two devices of one kind ("Chrome · Linux") are told apart */}
              <button
                class="btn"
                onClick={() => setAsking(d)}
                aria-label={`${t('account.signOutDevice')}: ${d.current ? `${t('account.thisDevice')}, ${label(d)}` : label(d)}`}
              >
                {t('account.signOutDevice')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {asking && (
        <ConfirmSheet
          title={t('account.signOutDevice')}
          text={
            asking.current && unsentChats.value.size > 0
              ? t('settings.signOutUnsent')
              : t('account.signOutDeviceConfirm', { device: label(asking) })
          }
          action={t('account.signOutDevice')}
          busy={busy}
          onConfirm={() => void signOut(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  )
}

function Export() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  async function download() {
    setBusy(true)
    setError('')
    try {
      await downloadExport()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="card" aria-labelledby="export-title">
      <h2 class="card__title" id="export-title">
        {t('account.export')}
      </h2>
      <p class="muted">{t('account.exportHint')}</p>
      <p class="form__error" role="alert">
        {error}
      </p>
      <button class="btn btn--block" onClick={() => void download()} disabled={busy}>
        {busy ? t('app.wait') : t('account.exportButton')}
      </button>
    </section>
  )
}

/** Deleting the account: what happens is said first, and the password is asked in the app's own sheet. */
function DeleteAccount() {
  const [asking, setAsking] = useState(false)
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  async function submit(e: Event) {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      // signed out afterwards: the app turns to the welcome screen by itself
      await deleteAccount(password)
    } catch (err) {
      setError(passwordError(err))
      setBusy(false)
    }
  }

  const close = () => {
    setAsking(false)
    setPassword('')
    setError('')
  }
  return (
    <section class="card" aria-labelledby="delete-title">
      <h2 class="card__title" id="delete-title">
        {t('account.delete')}
      </h2>
      <p class="muted">{t('account.deleteHint')}</p>
      <button class="btn btn--block btn--danger" onClick={() => setAsking(true)}>
        {t('account.delete')}
      </button>
      {asking && (
        <Sheet title={t('account.delete')} onClose={close}>
          <form class="form" onSubmit={submit}>
            <p class="confirm__text">{t('account.deleteConfirm')}</p>
            <CurrentPassword name="delete-password" value={password} onInput={setPassword} />
            <p class="form__error" role="alert">
              {error}
            </p>
            <div class="stack">
              <button class="btn btn--block btn--danger" type="submit" disabled={busy || !password}>
                {busy ? t('app.wait') : t('account.deleteButton')}
              </button>
              <button class="btn btn--block" type="button" onClick={close}>
                {t('app.cancel')}
              </button>
            </div>
          </form>
        </Sheet>
      )}
    </section>
  )
}

export function Account() {
  return (
    <>
      <PasswordForm />
      <Devices />
      <Export />
      <DeleteAccount />
    </>
  )
}
