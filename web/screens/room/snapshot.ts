// Keeps the open room's look (web/store/room-snapshot.ts) for a cold start at its address, and takes away
// the look painted at start (web/boot/boot.js) once the room's own messages are on screen.
import { useEffect } from 'preact/hooks'
import { snapshotDrop, snapshotPut } from '../../models/index.ts'

/** The app as it looks now, made inert: no ids, no open sheets, no spacers, styles set aside for the CSSOM. */
function capture(): string | null {
  const app = document.getElementById('app')
  const list = app?.querySelector<HTMLElement>('.room .vlist')
  if (!app || !list) return null
  // only the newest messages: a room opens at the bottom, so a paint scrolled elsewhere would jump
  if (list.scrollHeight - list.scrollTop - list.clientHeight > 48) return null
  // copied into a document of no window: a copy in this one would load its images again (as the page
  // closes, where the browser takes those loads for connections the page's policy refuses)
  const copy = document.implementation.createHTMLDocument('').importNode(app, true)
  // the outbox's files are drawn from the outbox, with their progress as it is then
  const gone = '.vlist > [aria-hidden="true"], dialog, [role="dialog"], [role="alert"], .msg--out'
  for (const el of copy.querySelectorAll(gone)) el.remove()
  // what was new as the room opened is not new at the next start
  for (const el of copy.querySelectorAll('.new-sep')) el.closest('.vlist__row')?.remove()
  for (const el of copy.querySelectorAll('[style]')) {
    el.setAttribute('data-boot-style', el.getAttribute('style') ?? '')
    el.removeAttribute('style')
  }
  for (const el of copy.querySelectorAll('[id]')) el.removeAttribute('id')
  for (const el of copy.querySelectorAll('a, button, input, textarea, select, [tabindex]')) el.setAttribute('tabindex', '-1')
  // object URLs do not outlive the page: a photo shows its placeholder (a data: URL) until the room draws it
  for (const el of copy.querySelectorAll('img[src^="blob:"], video[src^="blob:"]')) el.remove()
  return copy.innerHTML
}

function keep(userId: string, hash: string): void {
  const html = capture()
  if (html === null) snapshotDrop(userId, hash)
  else snapshotPut(userId, { hash, wide: matchMedia('(min-width: 900px)').matches, html, at: Date.now() })
}

/** Removes the look painted at start once what the room draws itself is on screen. */
export function dropBootPaint(): void {
  const boot = document.getElementById('boot')
  if (!boot) return
  // the frame after next: the list has laid out and scrolled to its end under the paint
  requestAnimationFrame(() => requestAnimationFrame(() => boot.remove()))
}

/**
 * While the room is open with its messages shown (`ready`), its look is kept when the page is hidden or
 * closed and a while after its messages change (`version`). The look painted at start goes once the room
 * shows its messages, or that it has none (`settled`).
 */
export function useRoomSnapshot(userId: string, convId: string, ready: boolean, settled: boolean, version: unknown): void {
  useEffect(() => {
    if (ready || settled) dropBootPaint()
  }, [ready, settled])
  useEffect(() => {
    if (!ready || !userId) return
    const hash = `#/chat/${convId}`
    const save = () => {
      if (location.hash === hash) keep(userId, hash)
    }
    const onHidden = () => {
      if (document.visibilityState === 'hidden') save()
    }
    // when idle, so keeping it never delays what the user does
    let live = true
    const later = () => {
      if (live) save()
    }
    const timer = setTimeout(
      () => ('requestIdleCallback' in window ? requestIdleCallback(later, { timeout: 5000 }) : later()),
      1500,
    )
    addEventListener('pagehide', save)
    document.addEventListener('visibilitychange', onHidden)
    return () => {
      live = false
      clearTimeout(timer)
      removeEventListener('pagehide', save)
      document.removeEventListener('visibilitychange', onHidden)
    }
  }, [ready, userId, convId, version])
}
