// A long press by finger opens what a right click opens. Android's browsers fire `contextmenu` for it, but
// iOS Safari never does (it shows its own menu of the image instead, which CSS turns off): without this, a
// photo's or card's actions could not be reached on an iPhone, where the tap is the photo's.
import { useRef } from 'preact/hooks'

/** how long a finger rests before it is a long press, ms (the platforms' own is about this) */
const HOLD_MS = 500
/** how far it may wander meanwhile, px: further is a scroll or a swipe */
const SLOP = 10

export function useLongPress(onLong: () => void) {
  const s = useRef({ timer: undefined as ReturnType<typeof setTimeout> | undefined, x: 0, y: 0, fired: false })
  const stop = () => {
    clearTimeout(s.current.timer)
    s.current.timer = undefined
  }
  return {
    onPointerDown: (e: PointerEvent) => {
      // a mouse has its right button (contextmenu); a pen or a finger holds
      if (e.pointerType === 'mouse') return
      stop()
      s.current = {
        x: e.clientX,
        y: e.clientY,
        fired: false,
        timer: setTimeout(() => {
          s.current.timer = undefined
          s.current.fired = true
          onLong()
        }, HOLD_MS),
      }
    },
    onPointerMove: (e: PointerEvent) => {
      if (s.current.timer !== undefined && Math.hypot(e.clientX - s.current.x, e.clientY - s.current.y) > SLOP) stop()
    },
    onPointerUp: stop,
    onPointerCancel: stop,
    // the lift after a long press is no tap: the photo does not open under the sheet
    onClickCapture: (e: MouseEvent) => {
      if (!s.current.fired) return
      s.current.fired = false
      e.preventDefault()
      // (immediate: the element's own click listener, the photo's opening, runs at the same target)
      e.stopImmediatePropagation()
    },
  }
}
