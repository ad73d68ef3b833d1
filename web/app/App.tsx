// The shell: the sign-in screen, or the signed-in app (SignedIn.tsx, a lazy chunk with the data layer
// and Yjs behind it: a first visit to the sign-in screen loads neither). The update prompt and the colour
// theme (theme.ts) are in both.
import { useEffect, useRef } from 'preact/hooks'
import { me } from '../account/session.ts'
import { route } from './router.ts'
import './theme.ts' // sets the colour theme before the first paint of any screen
import { lazy } from './lazy.tsx'
import { UpdatePrompt } from '../components/UpdatePrompt.tsx'
import { Welcome } from '../screens/welcome/Welcome.tsx'

const SignedIn = lazy(() => import('./SignedIn.tsx'))
// signed in: its chunk (data layer, Yjs, Dexie) is fetched while the language loads, not after, and is
// there for the first render
if (me.peek()) SignedIn.preload()

/** After a route change, move focus to the new screen's heading so screen readers announce it. */
function useFocusHeading(routeKey: string): void {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    let tries = 0
    let frame = 0
    const focus = () => {
      const h1 = document.querySelector<HTMLElement>('#main h1')
      if (h1) {
        h1.tabIndex = -1
        h1.focus({ preventScroll: true })
        return
      }
      if (++tries < 30) frame = requestAnimationFrame(focus) // a lazy screen may still be loading
    }
    focus()
    return () => cancelAnimationFrame(frame)
  }, [routeKey])
}

export function App() {
  const user = me.value
  useFocusHeading(user ? `${route.value.name}/${route.value.arg}` : 'welcome')
  if (!user) {
    return (
      // a field in focus: someone is signing in, so the signed-in app's chunk starts coming now rather than
      // after the tap (seconds of a blank screen on a slow network); a visit that only looks loads none of it
      <div class="shell shell--welcome" onFocusIn={() => SignedIn.preload()}>
        <UpdatePrompt />
        <Welcome />
      </div>
    )
  }
  return <SignedIn />
}
