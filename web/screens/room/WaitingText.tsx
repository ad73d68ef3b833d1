// A text that waits in the outbox behind a photo or file of the same chat still on its way (media-outbox.ts,
// waitsInOutbox): drawn as a message of mine waiting to be sent, under the photo it follows, and it can be
// taken back before it goes.
import { IconClock } from '../../components/icons.tsx'
import { CancelSend } from './CancelSend.tsx'
import { UserText } from '../../components/UserText.tsx'
import type { OutgoingView } from '../../models/media-outbox.ts'
import { t } from '../../app/t.ts'

export function WaitingText({ v, onRemove }: { v: OutgoingView; onRemove: () => void }) {
  return (
    <div class="msg msg--mine msg--first msg--last msg--out" data-out-id={v.msgId}>
      <div class="msg__col">
        <div class="msg__line">
          {/* before its clock, as a sent text's time is: the bubble keeps to the edge, as every bubble of mine
              does; described by its words, so that beside a file's own Cancel a screen reader tells the two apart */}
          <CancelSend onCancel={onRemove} describedBy={`out-text-${v.msgId}`} />
          <span class="msg__meta">
            <span class="msg__waiting" title={t('room.waiting')}>
              <IconClock />
              <span class="visually-hidden">{t('room.waiting')}</span>
            </span>
          </span>
          <div class="msg__bubble" id={`out-text-${v.msgId}`}>
            <span class="visually-hidden">{t('room.you')}: </span>
            <UserText class="msg__text" text={v.body ?? ''} />
          </div>
        </div>
      </div>
    </div>
  )
}
