// A bottom sheet on the native <dialog>: showModal() gives focus containment, Escape to close and the
// dialog role for screen readers without any code of ours.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { t } from '../app/t.ts'
import { IconClose } from './icons.tsx'
import { useBackCloses } from '../app/back-closes.ts'

export function Sheet({
  title,
  onClose,
  children,
  view,
}: {
  /** a string, or an element when it holds user text (a <UserText>) */
  title: ComponentChildren
  onClose: () => void
  children: ComponentChildren
  /**
   * which of its views a sheet of several shows (details → rename): a new one takes the focus to its first
   * field, else its first button, as opening the sheet does; the control that led there is gone with the view
   */
  view?: string
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useBackCloses(onClose)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  const shown = useRef(view)
  useEffect(() => {
    if (shown.current === view) return
    shown.current = view
    const body = ref.current?.querySelector('.sheet__body')
    // the first of them that is on screen (a file input behind its button is not)
    const first = (selector: string) =>
      [...(body?.querySelectorAll<HTMLElement>(selector) ?? [])].find(
        (el) => el.offsetParent !== null && !el.matches(':disabled'),
      )
    ;(first('input:not([type=hidden]), textarea, select') ?? first('button, a[href]'))?.focus()
  }, [view])
  return (
    <dialog
      ref={ref}
      class="sheet"
      aria-labelledby="sheet-title"
      onClose={onClose}
      onClick={(e) => {
        if (e.target === ref.current) onClose() /* a tap on the backdrop */
      }}
    >
      <div class="sheet__panel">
        <header class="sheet__head">
          <h2 class="sheet__title" id="sheet-title">
            {title}
          </h2>
          <button class="icon-btn" onClick={onClose} aria-label={t('app.close')}>
            <IconClose />
          </button>
        </header>
        <div class="sheet__body">{children}</div>
      </div>
    </dialog>
  )
}
