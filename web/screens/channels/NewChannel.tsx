// Creating a channel: its @ID, name, what it is about, its category and language. Its creator is its
// first admin and lands on its home, where posts are written.
import { useState } from 'preact/hooks'
import { HANDLE_RE } from '../../../protocol/limits.ts'
import { createChannel } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { back, go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { lang } from '../../i18n/lang.ts'
import { LOCALES, NATIVE_NAMES } from '../../i18n/locales.ts'
import { IconBack } from '../../components/icons.tsx'
import { AboutFields, type AboutValues } from './ChannelFields.tsx'

export default function NewChannel() {
  const [handle, setHandle] = useState('')
  const [about, setAbout] = useState<AboutValues>({ name: '', description: '', category: 'other' })
  const [language, setLanguage] = useState<string>(lang.value)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function create(e: Event) {
    e.preventDefault()
    setError('')
    // said in the app's language, where the browser's own bubble would speak the browser's
    if (!HANDLE_RE.test(handle.trim().replace(/^@/, '').toLowerCase())) return setError(t('errors.handle_invalid'))
    if (!about.name.trim()) return setError(t('channels.noName'))
    setBusy(true)
    try {
      const c = await createChannel({
        handle: handle.trim(),
        name: about.name.trim(),
        description: about.description.trim(),
        category: about.category,
        langs: [language],
      })
      go('channel', c.id, true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="newchannel-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('channels')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="newchannel-title">
          {t('channels.create')}
        </h1>
      </header>
      <form class="form form--screen" noValidate onSubmit={create}>
        <div class="field">
          <label class="field__label" for="channel-handle">
            {t('channels.handle')}
          </label>
          <input
            id="channel-handle"
            autoCapitalize="none"
            spellcheck={false}
            maxLength={21}
            value={handle}
            placeholder={t('channels.handlePlaceholder')}
            aria-describedby="channel-handle-hint"
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          {/* the rules before a refusal, as sign-up says them */}
          <span class="field__hint" id="channel-handle-hint">
            {t('channels.handleHint')}
          </span>
        </div>
        <AboutFields values={about} onChange={setAbout} />
        <label class="field">
          <span class="field__label">{t('channels.language')}</span>
          <select value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            {LOCALES.map((l) => (
              <option key={l} value={l} lang={l}>
                {NATIVE_NAMES[l]}
              </option>
            ))}
          </select>
        </label>
        <p class="form__error" role="alert">
          {error}
        </p>
        <div class="form__row">
          <button class="btn btn--primary" type="submit" disabled={busy}>
            {t('channels.createButton')}
          </button>
        </div>
      </form>
    </section>
  )
}
