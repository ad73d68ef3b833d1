// How long a chat stays quiet: what the chat list's sheet and the chat's own details sheet both offer.
import { chatSettings, muteChat, mutedNow, MUTE_8_HOURS, MUTE_HOUR, unmuteChat } from '../../models/index.ts'
import { daysAgo, formatDate, formatTime } from '../../i18n/format.ts'
import { t } from '../../app/t.ts'

/** "Muted until 23:30.", "Muted until tomorrow 00:06.", or with the date when it is further away */
function mutedUntilText(until: number, now = Date.now()): string {
  const time = formatTime(until)
  const ahead = daysAgo(now, until) // calendar days from today to that day
  if (ahead <= 0) return t('chats.mutedUntil', { time })
  if (ahead === 1) return t('chats.mutedUntilTomorrow', { time })
  return t('chats.mutedUntilDate', { date: formatDate(until, undefined, now), time })
}

/** Mute for an hour, for 8 hours or until turned back on; or, muted, turn notifications back on. */
export function MuteChoices({ id, onDone }: { id: string; onDone?: () => void }) {
  const then = (fn: () => void) => () => {
    fn()
    onDone?.()
  }
  if (mutedNow(id)) {
    const until = chatSettings.value.get(id)?.mutedUntil
    return (
      <>
        {/* for an hour or eight: until when, in the reader's clock, with the day when it is not today */}
        {typeof until === 'number' && <p class="muted">{mutedUntilText(until)}</p>}
        <button class="btn btn--block" onClick={then(() => unmuteChat(id))}>
          {t('chats.unmute')}
        </button>
      </>
    )
  }
  return (
    <>
      <button class="btn btn--block" onClick={then(() => muteChat(id, MUTE_HOUR))}>
        {t('chats.muteHour')}
      </button>
      <button class="btn btn--block" onClick={then(() => muteChat(id, MUTE_8_HOURS))}>
        {t('chats.mute8Hours')}
      </button>
      <button class="btn btn--block" onClick={then(() => muteChat(id, 'forever'))}>
        {t('chats.muteForever')}
      </button>
    </>
  )
}
