// The shell: connection strip, update prompt, the current route, and the tab bar. Chats (the first
// screen after sign-in) and Welcome are in the initial chunk; every other screen is a lazy chunk.
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

export function App() {
  const user = me.value
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
