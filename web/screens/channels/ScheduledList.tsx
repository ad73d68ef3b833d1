// A channel's scheduled posts, on its home, for its admins: when each goes out, what it says, and a way
// to withdraw it; one that could not go out says so. A post leaves the list as soon as it shows in the
// channel; the list is fetched again every half minute while the screen is open, for what fails.
import { useEffect, useState } from 'preact/hooks'
import { postPreview } from '../../../protocol/channels.ts'
import { refreshScheduled, scheduledOf, withdrawScheduled } from '../../models/scheduled.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { formatLongDate, formatTime } from '../../i18n/format.ts'

const REFRESH_MS = 30_000

/** `posted`: the ids of the channel's posts on screen; a scheduled post among them has gone out */
export function ScheduledList({ id, posted }: { id: string; posted: ReadonlySet<string> }) {
  const [error, setError] = useState('')
  const list = (scheduledOf.value.get(id) ?? []).filter((s) => !posted.has(s.id))
  const waiting = list.length > 0
  useEffect(() => {
    const load = () =>
      refreshScheduled(id).then(
        () => setError(''),
        (e: unknown) => setError(errorText(e)),
      )
    void load()
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && (scheduledOf.value.get(id)?.length ?? 0) > 0) void load()
    }, REFRESH_MS)
    return () => clearInterval(timer)
  }, [id])
  if (!waiting && !error) return null

  return (
    <section class="card scheduled" aria-labelledby="scheduled-title">
      <h2 class="card__title" id="scheduled-title">
        {t('scheduled.title')}
      </h2>
      <p class="form__error" role="alert">
        {error}
      </p>
      <ul class="scheduled__list">
        {list.map((s) => (
          <li key={s.id} class="scheduled__row">
            <div class="scheduled__text">
              <time class="scheduled__when" dateTime={new Date(s.at).toISOString()}>
                {formatLongDate(s.at)} {formatTime(s.at)}
              </time>
              <span class="scheduled__preview">{postPreview(s.post)}</span>
              {s.state === 'failed' && <span class="form__error">{t('scheduled.failed')}</span>}
            </div>
            {s.state !== 'sending' && (
              <button
                class="btn btn--small"
                onClick={() => void withdrawScheduled(id, s.id).catch((e: unknown) => setError(errorText(e)))}
              >
                {s.state === 'failed' ? t('scheduled.clear') : t('scheduled.withdraw')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
