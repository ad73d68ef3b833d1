// Reporting a channel to Sori's team: why, and a note if the user wants. The channel is not told.
import { useState } from 'preact/hooks'
import { MAX_REPORT_NOTE_CHARS, REPORT_REASONS, type ReportReason } from '../../../protocol/channels.ts'
import { reportChannel } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { Sheet } from '../../components/Sheet.tsx'

export function ReportSheet({ id, onClose }: { id: string; onClose: () => void }) {
  const [reason, setReason] = useState<ReportReason | ''>('')
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [sent, setSent] = useState(false)

  async function send(e: Event) {
    e.preventDefault()
    if (!reason) return
    setBusy(true)
    setError('')
    try {
      await reportChannel(id, reason, note.trim())
      setSent(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Sheet title={t('channels.reportTitle')} onClose={onClose}>
      {sent ? (
        <p role="status">{t('channels.reported')}</p>
      ) : (
        <form class="form" onSubmit={send}>
          <fieldset class="report-reasons">
            <legend class="field__label">{t('channels.reportReason')}</legend>
            {REPORT_REASONS.map((r) => (
              <label key={r} class="check">
                <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} />
                <span>{t(`channels.reasons.${r}`)}</span>
              </label>
            ))}
          </fieldset>
          <label class="field">
            <span class="field__label">{t('channels.reportNote')}</span>
            <textarea rows={3} maxLength={MAX_REPORT_NOTE_CHARS} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <p class="form__error" role="alert">
            {error}
          </p>
          <button class="btn btn--primary btn--block" type="submit" disabled={busy || !reason}>
            {t('channels.reportSend')}
          </button>
        </form>
      )}
    </Sheet>
  )
}
