// "Are you sure?" before something that cannot be undone, in the app's own sheet rather than the
// browser's confirm(): translated, styled, and it does not block the page. `Confirm` is the sheet's
// content, for a sheet that turns into the question (the message actions, the members sheet);
// `ConfirmSheet` is a sheet of its own.
import { useEffect, useRef } from 'preact/hooks'
import { t } from '../app/t.ts'
import { Sheet } from './Sheet.tsx'

interface ConfirmProps {
  /** the question, saying what will happen */
  text: string
  /** the button that does it, e.g. "Delete for everyone" */
  action: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
  error?: string
}

export function Confirm({ text, action, onConfirm, onCancel, busy, error }: ConfirmProps) {
  const cancel = useRef<HTMLButtonElement>(null)
  // the button that opened the question is gone: the safe choice takes the focus
  useEffect(() => cancel.current?.focus(), [])
  return (
    <>
      <p class="confirm__text">{text}</p>
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="stack">
        <button class="btn btn--block btn--danger" disabled={busy} onClick={onConfirm}>
          {action}
        </button>
        <button ref={cancel} class="btn btn--block" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </>
  )
}

export function ConfirmSheet({ title, ...props }: ConfirmProps & { title: string }) {
  return (
    <Sheet title={title} onClose={props.onCancel}>
      <Confirm {...props} />
    </Sheet>
  )
}
