// How long a chat stays quiet: what the chat list's sheet and the chat's own details sheet both offer.
import { chatSettings, muteChat, mutedNow, MUTE_8_HOURS, MUTE_HOUR, unmuteChat } from '../../models/index.ts'
import { formatTime } from '../../i18n/format.ts'
import { t } from '../../app/t.ts'

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
        {/* for an hour or eight: until when, in the reader's clock */}
        {typeof until === 'number' && <p class="muted">{t('chats.mutedUntil', { time: formatTime(until) })}</p>}
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
