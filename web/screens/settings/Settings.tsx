// Settings: profile, language, theme, storage, sign out (this device or all).
import { useEffect, useState } from 'preact/hooks'
import { me, updateMe, setMyPhoto, signOut, storageEstimate, storageProblem, unsentChats } from '../../models/index.ts'
import { MAX_NAME_CHARS, MAX_STATUS_CHARS } from '../../../protocol/limits.ts'
import { t } from '../../app/t.ts'
import { formatBytes as bytes } from '../../i18n/format.ts'
import { errorText } from '../../app/errors.ts'
import { LanguagePicker } from '../../i18n/picker.tsx'
import { Avatar } from '../../components/Avatar.tsx'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { Account } from './Account.tsx'
import { PhotoButtons } from '../../components/PhotoButtons.tsx'
import { MediaStorage } from './MediaStorage.tsx'
import { Notifications } from './Notifications.tsx'
import { THEME_CHOICES, setTheme, themeChoice, type ThemeChoice } from '../../app/theme.ts'
import { LinkPreviewSetting } from '../room/LinkPreview.tsx'

export default function Settings() {
  const user = me.value
  const [name, setName] = useState(user?.name ?? '')
  const [status, setStatus] = useState(user?.status ?? '')
  // whether to say "Saved", worded when shown (a change of language rewords it)
  const [saved, setSaved] = useState(false)
  const [error, setError] = useState('')
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean } | null>(null)
  /** which sign-out waits for a yes: of every device, or of this one while messages wait to be sent */
  const [asking, setAsking] = useState<'all' | 'this' | null>(null)
  useEffect(() => {
    storageEstimate().then(setStorage, () => {})
  }, [])
  if (!user) return null

  async function save(e: Event) {
    e.preventDefault()
    setError('')
    setSaved(false)
    try {
      await updateMe({ name: name.trim() || user!.name, status: status.trim() })
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    }
  }
  async function out(all: boolean) {
    setAsking(null)
    try {
      await signOut(all)
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <section class="screen" aria-labelledby="settings-title">
      <header class="topbar">
        <h1 class="topbar__title" id="settings-title">
          {t('settings.title')}
        </h1>
      </header>
      <div class="screen__scroll">
        <form class="card form" onSubmit={save} aria-labelledby="profile-title">
          <div class="card__head">
            <Avatar id={user.id} name={name || user.name} size={56} photo={user.photo} />
            <div>
              <h2 class="card__title" id="profile-title">
                {t('settings.profile')}
              </h2>
              <p class="muted">@{user.handle}</p>
            </div>
          </div>
          <PhotoButtons
            hasPhoto={!!user.photo}
            labels={[t('settings.photoAdd'), t('settings.photoChange'), t('settings.photoRemove')]}
            onSet={setMyPhoto}
            onError={setError}
          />
          <label class="field">
            <span class="field__label">{t('settings.name')}</span>
            <input name="name" maxLength={MAX_NAME_CHARS} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">{t('settings.status')}</span>
            <input
              name="status"
              maxLength={MAX_STATUS_CHARS}
              value={status}
              placeholder={t('settings.statusPlaceholder')}
              onInput={(e) => setStatus(e.currentTarget.value)}
            />
          </label>
          <p class="form__error" role="alert">
            {error}
          </p>
          <div class="form__row">
            <span class="muted" role="status">
              {saved ? t('settings.saved') : ''}
            </span>
            <button class="btn btn--primary" type="submit">
              {t('settings.save')}
            </button>
          </div>
        </form>

        <section class="card" aria-labelledby="lang-title">
          <h2 class="card__title" id="lang-title">
            {t('settings.language')}
          </h2>
          <LanguagePicker />
        </section>

        <ThemePicker />

        <LinkPreviewSetting />

        <Notifications userId={user.id} />

        <section class="card" aria-labelledby="storage-title">
          <h2 class="card__title" id="storage-title">
            {t('settings.storage')}
          </h2>
          <p>
            {storage ? t('settings.storageUsed', { used: bytes(storage.usage), quota: bytes(storage.quota) }) : t('app.loading')}
          </p>
          {storage && <p class="muted">{storage.persisted ? t('settings.persisted') : t('settings.notPersisted')}</p>}
          {storageProblem.value === 'quota' && <p class="form__error">{t('settings.quotaFull')}</p>}
          <MediaStorage />
        </section>

        <section class="card" aria-labelledby="account-title">
          <h2 class="card__title" id="account-title">
            {t('settings.account')}
          </h2>
          <div class="stack">
            {/* what waits to be sent lives only on this device: signing out deletes it */}
            <button class="btn btn--block" onClick={() => (unsentChats.value.size > 0 ? setAsking('this') : out(false))}>
              {t('settings.signOut')}
            </button>
            <button class="btn btn--block btn--danger" onClick={() => setAsking('all')}>
              {t('settings.signOutAll')}
            </button>
          </div>
        </section>

        {/* the password, and deleting the account for good: below signing out */}
        <Account />

        {/* Sori Link: the apps whose pages share into Sori; for the few who make one, so at the very end */}
        <section class="card" aria-labelledby="developers-title">
          <h2 class="card__title" id="developers-title">
            {t('apps.developers')}
          </h2>
          <a class="btn btn--block" href="#/apps">
            {t('apps.title')}
          </a>
        </section>
      </div>
      {asking && (
        <ConfirmSheet
          title={t(asking === 'all' ? 'settings.signOutAll' : 'settings.signOut')}
          text={
            unsentChats.value.size > 0
              ? t('settings.signOutUnsent')
              : asking === 'all'
                ? t('settings.signOutAllConfirm')
                : // this device was asked about only for its unsent messages, sent meanwhile: the title says the rest
                  ''
          }
          action={t(asking === 'all' ? 'settings.signOutAll' : 'settings.signOut')}
          onConfirm={() => void out(asking === 'all')}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  )
}

const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'settings.themeSystem',
  light: 'settings.themeLight',
  dark: 'settings.themeDark',
}

/** System, light or dark; kept on this device (web/app/theme.ts). */
function ThemePicker() {
  const choice = themeChoice.value
  return (
    <section class="card" aria-labelledby="theme-title">
      <h2 class="card__title" id="theme-title">
        {t('settings.theme')}
      </h2>
      <div class="theme-picker" role="radiogroup" aria-labelledby="theme-title">
        {THEME_CHOICES.map((c) => (
          <label key={c} class="theme-picker__option">
            <input type="radio" name="theme" value={c} checked={choice === c} onChange={() => setTheme(c)} />
            <span>{t(THEME_LABELS[c])}</span>
          </label>
        ))}
      </div>
    </section>
  )
}
