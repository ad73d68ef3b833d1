// The shell: connection strip, update prompt, the current route, and the tab bar. Chats (the first
// screen after sign-in) and Welcome are in the initial chunk; every other screen is a lazy chunk.
import { useEffect, useRef } from 'preact/hooks'
import { me } from '../data/index.ts'
import { route } from './router.ts'
import { lazy } from './lazy.tsx'
import { ConnectionStrip } from '../components/ConnectionStrip.tsx'
import { UpdatePrompt } from '../components/UpdatePrompt.tsx'
import { TabBar } from '../components/TabBar.tsx'
import { Welcome } from '../screens/welcome/Welcome.tsx'
import { Chats } from '../screens/chats/Chats.tsx'
import { SearchSlot } from './search-slot.tsx'

const Friends = lazy(() => import('../screens/friends/Friends.tsx'))
const Room = lazy(() => import('../screens/room/Room.tsx'))
const Settings = lazy(() => import('../screens/settings/Settings.tsx'))
const NewGroup = lazy(() => import('../screens/chats/NewGroup.tsx'))

/** After a route change, move focus to the new screen's heading so screen readers announce it. */
function useFocusHeading(routeKey: string): void {
  const first = useRef(true)
  useEffect(() => {
    if (first.current) { first.current = false; return }
    let tries = 0
    let frame = 0
    const focus = () => {
      const h1 = document.querySelector<HTMLElement>('#main h1')
      if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); return }
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
      <div class="shell shell--welcome">
        <UpdatePrompt />
        <Welcome />
      </div>
    )
  }
  const { name, arg } = route.value
  const fullScreen = name === 'chat' || name === 'new-group'
  return (
    <div class={`shell ${fullScreen ? 'shell--full' : ''} ${name === 'chat' ? 'shell--room' : ''}`}>
      <ConnectionStrip />
      <UpdatePrompt />
      <main class="shell__main" id="main">
        {name === 'chats' && <Chats />}
        {name === 'friends' && <Friends />}
        {name === 'chat' && <Room key={arg} convId={arg} />}
        {name === 'settings' && <Settings />}
        {name === 'search' && <SearchSlot />}
        {name === 'new-group' && <NewGroup />}
      </main>
      {!fullScreen && <TabBar />}
    </div>
  )
}
