// What lies over a screen (a sheet, the photo viewer) is closed by the phone's Back, as in a native app,
// not the screen under it: opening one adds a history entry at the same address, Back takes that entry
// away and closes it, and closing it otherwise takes the entry away too. A navigation from inside one
// (router.ts, go) takes the layer's entry's place, so that Back from there returns to the screen.
import { useEffect, useRef } from 'preact/hooks'

const KEY = 'soriLayer'
let seq = 0
/** open layers, the topmost last */
const open: { id: number; close: () => void }[] = []

const stateId = (): number | undefined => (history.state as Record<string, unknown> | null)?.[KEY] as number | undefined

addEventListener('popstate', () => {
  // Back (or forward) left the entries of the layers above the one now current: they close
  const now = stateId()
  while (open.length && open[open.length - 1].id !== now) open.pop()!.close()
})

/** Whether the current history entry is an open layer's: a navigation then replaces it. */
export const onLayerEntry = (): boolean => open.length > 0 && stateId() === open[open.length - 1].id

/** Keeps `onClose` to be called when Back leaves this layer, for as long as the component is mounted. */
export function useBackCloses(onClose: () => void): void {
  const close = useRef(onClose)
  close.current = onClose
  useEffect(() => {
    const id = ++seq
    history.pushState({ ...(history.state as object | null), [KEY]: id }, '')
    open.push({ id, close: () => close.current() })
    return () => {
      const at = open.findIndex((l) => l.id === id)
      if (at < 0) return // Back closed it: its entry is gone already
      open.splice(at, 1)
      // closed by its button, Escape or an action: its entry goes, unless the action navigated meanwhile
      setTimeout(() => {
        if (stateId() === id) history.back()
      }, 0)
    }
  }, [])
}
