// The phone's Back button (and the browser's) closes the sheet or viewer on top instead of leaving the
// screen under it, as a native app's does. Each one open adds a history entry of the same address
// (`{ sori: 'layer', depth }`, no hashchange, so the router does not notice); Back takes the entry away,
// and the popstate closes every layer above what is left. A layer closed in the app takes its own entry
// back out, so that history keeps one entry per screen; a layer that replaces it at once (a sheet that
// leads to another) takes the entry over instead.
import { useLayoutEffect, useRef } from 'preact/hooks'

interface Layer {
  depth: number
  close: () => void
}

const open: Layer[] = []
/** the depth of a layer just closed in the app, whose entry is still the current one */
let closing: number | null = null
/**
 * Our own step back (settle) is under way, from the entry of the layer at `depth` on the screen at `url`.
 * `movedTo`: the app went to another screen meanwhile (that address); `opened`: it opened a layer meanwhile.
 */
let stepping: { depth: number; url: string; movedTo: string | null; opened: boolean } | null = null
/** a step back that never lands (a browser may drop it) is forgotten after this, ms */
const STEP_FORGOTTEN_MS = 2000

const depthOf = (state: unknown): number =>
  typeof state === 'object' && state !== null && (state as { sori?: unknown }).sori === 'layer'
    ? Number((state as { depth?: unknown }).depth) || 0
    : 0

/**
 * While our step back is under way, the app may move to another screen (a link, `location.hash = …`): its
 * popstate and hashchange come at another address. The step then still lands on the old screen (Chromium
 * counts it from the entry it was asked on), and the app is sent where it went.
 */
function movedMeanwhile(): boolean {
  if (!stepping || location.href === stepping.url) return false
  stepping.movedTo = location.hash
  return true
}

addEventListener('hashchange', () => {
  movedMeanwhile()
})

addEventListener('popstate', (e: PopStateEvent) => {
  if (movedMeanwhile()) return
  const step = stepping
  stepping = null
  const depth = depthOf(e.state)
  if (step?.movedTo != null) {
    location.hash = step.movedTo
    return
  }
  // landed on the closed layer's own entry (or above): a layer opened after it, which the step must not close
  if (step && (step.opened || depth >= step.depth)) {
    history.forward()
    return
  }
  let closed = false
  while (open.length > 0 && open[open.length - 1].depth > depth) {
    open.pop()!.close()
    closed = true
  }
  // an entry whose layer is gone (it went with a move to another screen): nothing to show there, step past it
  if (!closed && depth > 0 && !open.some((l) => l.depth === depth)) history.back()
})

/** Takes the entry of a layer closed in the app out of the history, unless another layer took it over. */
function settle(): void {
  if (closing !== null && depthOf(history.state) === closing) {
    const step = { depth: closing, url: location.href, movedTo: null, opened: false }
    stepping = step
    setTimeout(() => {
      if (stepping === step) stepping = null
    }, STEP_FORGOTTEN_MS)
    history.back()
  }
  closing = null
}

/** Makes Back close this layer (a sheet, the media viewer) while it is mounted; `onClose` closes it. */
export function useBackCloses(onClose: () => void): void {
  const close = useRef(onClose)
  close.current = onClose
  // a layout effect: a layer that replaces another in one render registers before the microtask that
  // would take the other's entry away
  useLayoutEffect(() => {
    const current = depthOf(history.state)
    const reuse = closing !== null && closing === current
    const depth = reuse ? current : Math.max(open[open.length - 1]?.depth ?? 0, current) + 1
    const layer: Layer = { depth, close: () => close.current() }
    open.push(layer)
    if (reuse) closing = null
    else {
      // (a step back under way would land below this layer's entry and close it: it is undone too)
      if (stepping) stepping.opened = true
      history.pushState({ sori: 'layer', depth }, '')
    }
    return () => {
      const i = open.indexOf(layer)
      if (i < 0) return // Back closed it: its entry is gone already
      open.splice(i, 1)
      // the app moved to another screen meanwhile: the entry is not the current one, and stays
      if (depthOf(history.state) !== depth) return
      closing = depth
      queueMicrotask(settle)
    }
  }, [])
}
