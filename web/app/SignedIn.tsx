// The signed-in app: connection strip, the current route and the tab bar. A chunk of its own, with the
// data layer and the sync chunk (Yjs, Dexie) behind it, so that the sign-in screen loads none of them.
// Chats (the first screen after sign-in) comes with it; every other screen is a lazy chunk.
import '../models/index.ts'
import { route } from './router.ts'
import { lazy } from './lazy.tsx'
import { ConnectionStrip } from '../components/ConnectionStrip.tsx'
import { UpdatePrompt } from '../components/UpdatePrompt.tsx'
import { TabBar } from '../components/TabBar.tsx'
import { Chats } from '../screens/chats/Chats.tsx'
import { SearchSlot } from './search-slot.tsx'

const Friends = lazy(() => import('../screens/friends/Friends.tsx'))
const Room = lazy(() => import('../screens/room/Room.tsx'))
const Settings = lazy(() => import('../screens/settings/Settings.tsx'))
const NewGroup = lazy(() => import('../screens/chats/NewGroup.tsx'))

export default function SignedIn() {
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
