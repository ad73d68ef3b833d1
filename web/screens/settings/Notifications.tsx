// Settings → Notifications: on or off for this device (turned on only by this button's tap), whether a
// notification shows who wrote and what, and, for the whole account, a do-not-disturb time and whether
// a mention notifies in a muted chat.
import { useEffect, useState } from 'preact/hooks'
import type { NotificationSettings, PushState } from '../../../protocol/push.ts'
import { api, ApiFailure } from '../../account/api.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { pushState, pushSupport, setPreviews, turnOff, turnOn } from '../../push/subscription.ts'

const DEFAULT_DND = { from: '22:00', to: '07:00' }

export function Notifications({ userId }: { userId: string }) {
  const [support, setSupport] = useState(pushSupport())
  const [state, setState] = useState<PushState | null>(null)
  const [settings, setSettings] = useState<NotificationSettings | null>(null)
  const [busy, setBusy] = useState(false)
  // worded when shown, so that it follows a change of language
  const [error, setError] = useState<(() => string) | null>(null)
  useEffect(() => {
    if (support !== 'unsupported') pushState().then(setState, (e: unknown) => setError(() => () => errorText(e)))
    api<NotificationSettings>('GET', '/api/me/notifications').then(setSettings, () => {})
  }, [])

  async function run(work: () => Promise<void>) {
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (e) {
      if ((e as Error).message === 'blocked') setSupport(pushSupport())
      // the browser's own push service said no (a private window, a browser without one): trying again
      // later would not help, so the words say what might
      else if (e instanceof DOMException) setError(() => () => t('notify.browserFailed'))
      else if (e instanceof ApiFailure) setError(() => () => errorText(e))
      else setError(() => () => t('notify.failed'))
    } finally {
      setBusy(false)
    }
  }
  async function saveSettings(next: NotificationSettings) {
    setSettings(next)
    try {
      setSettings(await api<NotificationSettings>('PUT', '/api/me/notifications', next))
    } catch (e) {
      setError(() => () => errorText(e))
    }
  }
  const dnd = settings?.dnd ?? null
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone

  return (
    <section class="card" aria-labelledby="notify-title">
      <h2 class="card__title" id="notify-title">
        {t('notify.title')}
      </h2>
      <div class="stack">
        {support === 'unsupported' && <p class="muted">{t('notify.unsupported')}</p>}
        {support === 'blocked' && <p class="muted">{t('notify.blocked')}</p>}
        {support === 'ok' && state && (
          <>
            <p role="status">{state.on ? t('notify.on') : t('notify.off')}</p>
            {state.on ? (
              <>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={state.previews}
                    disabled={busy}
                    onChange={(e) => {
                      const previews = e.currentTarget.checked
                      // shown at once; the server's answer follows
                      setState({ ...state, previews })
                      void run(async () => setState(await setPreviews(userId, previews)))
                    }}
                  />
                  <span>{t('notify.previews')}</span>
                </label>
                <button
                  class="btn btn--block"
                  disabled={busy}
                  onClick={() => void run(async () => (await turnOff(), setState({ ...state, on: false })))}
                >
                  {t('notify.turnOff')}
                </button>
              </>
            ) : (
              <button
                class="btn btn--block btn--primary"
                disabled={busy}
                onClick={() => void run(async () => setState(await turnOn(userId)))}
              >
                {t('notify.turnOn')}
              </button>
            )}
          </>
        )}
        <p class="form__error" role="alert">
          {error?.()}
        </p>
        {settings && (
          <>
            <label class="check">
              <input
                type="checkbox"
                checked={dnd !== null}
                onChange={(e) => void saveSettings({ ...settings, dnd: e.currentTarget.checked ? { ...DEFAULT_DND, tz } : null })}
              />
              <span>{t('notify.dnd')}</span>
            </label>
            {dnd && (
              <div class="form__row form__row--start">
                <label class="field">
                  <span class="field__label">{t('notify.dndFrom')}</span>
                  <input
                    type="time"
                    value={dnd.from}
                    onChange={(e) => void saveSettings({ ...settings, dnd: { ...dnd, from: e.currentTarget.value, tz } })}
                  />
                </label>
                <label class="field">
                  <span class="field__label">{t('notify.dndTo')}</span>
                  <input
                    type="time"
                    value={dnd.to}
                    onChange={(e) => void saveSettings({ ...settings, dnd: { ...dnd, to: e.currentTarget.value, tz } })}
                  />
                </label>
              </div>
            )}
            <label class="check">
              <input
                type="checkbox"
                checked={settings.mentions}
                onChange={(e) => void saveSettings({ ...settings, mentions: e.currentTarget.checked })}
              />
              <span>{t('notify.mentions')}</span>
            </label>
          </>
        )}
      </div>
    </section>
  )
}
