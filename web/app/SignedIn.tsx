// The signed-in app: connection strip, the current route and the tab bar. A chunk of its own, with the
// data layer and the sync chunk (Yjs, Dexie) behind it, so that the sign-in screen loads none of them.
// Chats (the first screen after sign-in) comes with it; every other screen is a lazy chunk.
// On a wide screen (from 900 px) a list (chats, friends or search) and its tab bar stay on the left and
// whatever is opened from them (a chat, a channel, settings, a new group...) is beside it.
import '../models/index.ts'
import { signal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { chatList, unreadWithChannels } from '../models/index.ts'
import { route, type RouteName } from './router.ts'
import { lazy } from './lazy.tsx'
import { withLaterStrings } from '../i18n/index.ts'
import { t } from './t.ts'
import { ConnectionStrip } from '../components/ConnectionStrip.tsx'
import { UpdatePrompt } from '../components/UpdatePrompt.tsx'
import { TabBar } from '../components/TabBar.tsx'
import { Chats } from '../screens/chats/Chats.tsx'
import { SearchSlot } from './search-slot.tsx'
import { unreadFigure } from '../components/UnreadBadge.tsx'

// screens behind a tap bring the strings only they use (web/i18n/parts.ts)
const Friends = lazy(() => withLaterStrings(import('../screens/friends/Friends.tsx')))
const Room = lazy(() => import('../screens/room/Room.tsx'))
const Settings = lazy(() => withLaterStrings(import('../screens/settings/Settings.tsx')))
// opened straight at a chat (a link, a reload): its chunk is fetched now, not after the first render
if (route.peek().name === 'chat') Room.preload()
const NewGroup = lazy(() => import('../screens/chats/NewGroup.tsx'))
const Invite = lazy(() => import('../screens/invite/Invite.tsx'))
const Channels = lazy(() => withLaterStrings(import('../screens/channels/Directory.tsx')))
const ChannelHome = lazy(() => withLaterStrings(import('../screens/channels/ChannelHome.tsx')))
const ChannelStats = lazy(() => withLaterStrings(import('../screens/channels/ChannelStats.tsx')))
const ChannelGroups = lazy(() => withLaterStrings(import('../screens/channels/ChannelGroups.tsx')))
const ChannelChats = lazy(() => withLaterStrings(import('../screens/channels/ChannelChats.tsx')))
const NewChannel = lazy(() => withLaterStrings(import('../screens/channels/NewChannel.tsx')))
const EditChannel = lazy(() => withLaterStrings(import('../screens/channels/EditChannel.tsx')))
const ChannelByHandle = lazy(() => withLaterStrings(import('../screens/channels/ByHandle.tsx')))
const MyCoupons = lazy(() => withLaterStrings(import('../screens/coupons/MyCoupons.tsx')))
const Redeem = lazy(() => withLaterStrings(import('../screens/coupons/Redeem.tsx')))
const Share = lazy(() => withLaterStrings(import('../screens/share/Share.tsx')))
const ShareIn = lazy(() => withLaterStrings(import('../screens/share-in/ShareIn.tsx')))
const AppsList = lazy(() => withLaterStrings(import('../screens/apps/AppsList.tsx')))
const AppEdit = lazy(() => withLaterStrings(import('../screens/apps/AppEdit.tsx')))
// an app's page opened the share screen: its chunk comes with this one, not after the first render
if (route.peek().name === 'share') Share.preload()

const wideQuery = matchMedia('(min-width: 900px)')
const wide = signal(wideQuery.matches)
wideQuery.addEventListener('change', () => (wide.value = wideQuery.matches))

/** The screens that are lists: on a wide screen the one last shown stays on the left. */
type ListName = 'chats' | 'friends' | 'search'
const isList = (name: RouteName): name is ListName => name === 'chats' || name === 'friends' || name === 'search'
let lastList: ListName = isList(route.peek().name) ? (route.peek().name as ListName) : 'chats'

/** The unread total in the tab's title, so that a tab in the background shows that something came. */
function useUnreadTitle(): void {
  const unread = unreadWithChannels.value
  const name = t('app.name')
  useEffect(() => {
    document.title = unread > 0 ? `(${unreadFigure(unread)}) ${name}` : name
  }, [unread, name])
  useEffect(() => () => void (document.title = t('app.name')), [])
}

function Screen({ name, arg }: { name: RouteName; arg: string }) {
  switch (name) {
    case 'chats':
      return <Chats />
    case 'friends':
      return <Friends />
    case 'chat':
      return <Room key={arg} convId={arg} />
    case 'settings':
      return <Settings />
    case 'search':
      return <SearchSlot />
    case 'new-group':
      return <NewGroup />
    case 'invite':
      return <Invite key={arg} token={arg} />
    case 'channels':
      return <Channels />
    case 'channel':
      return <ChannelHome key={arg} id={arg} />
    case 'channel-stats':
      return <ChannelStats key={arg} id={arg} />
    case 'channel-groups':
      return <ChannelGroups key={arg} id={arg} />
    case 'channel-chats':
      return <ChannelChats key={arg} id={arg} />
    case 'new-channel':
      return <NewChannel />
    case 'channel-edit':
      return <EditChannel key={arg} id={arg} />
    case 'c':
      return <ChannelByHandle key={arg} handle={arg} />
    case 'coupons':
      return <MyCoupons />
    case 'redeem':
      return <Redeem key={arg} channelId={arg} />
    case 'share-in':
      return <ShareIn key={arg} id={arg} />
    case 'share':
      return <Share key={arg} appKey={arg} />
    case 'apps':
      return <AppsList />
    case 'app':
      return <AppEdit key={arg} id={arg} />
  }
}

/** Once the chat list shows chats, the room's chunk is fetched at the first touch or key: a tap opens a chat some 100 ms later. */
function usePreloadRoom(): void {
  const some = chatList.value.length > 0
  useEffect(() => {
    if (!some) return
    const preload = (): void => {
      stop()
      Room.preload()
    }
    const stop = (): void => {
      removeEventListener('pointerdown', preload, true)
      removeEventListener('keydown', preload, true)
    }
    addEventListener('pointerdown', preload, true)
    addEventListener('keydown', preload, true)
    return stop
  }, [some])
}

export default function SignedIn() {
  const { name, arg } = route.value
  useUnreadTitle()
  usePreloadRoom()
  // an app's share screen is a window of its own (a popup or a tab): nothing else of Sori around it
  if (name === 'share')
    return (
      <div class="shell shell--full">
        <ConnectionStrip />
        <main class="shell__main" id="main">
          <Screen name={name} arg={arg} />
        </main>
      </div>
    )
  if (wide.value) {
    // a list stays on the left; what is opened from it is the main pane
    if (isList(name)) lastList = name
    const opened = !isList(name)
    const side = isList(name) ? name : lastList
    return (
      <div class={`shell shell--wide ${name === 'chat' ? 'shell--room' : ''}`}>
        <ConnectionStrip />
        <UpdatePrompt />
        <div class="shell__panes">
          <div class="shell__side" id={opened ? undefined : 'main'} role={opened ? undefined : 'main'}>
            {/* one element in every case, so that the list keeps its scroll when something opens */}
            <Screen name={side} arg={isList(name) ? arg : ''} />
            <TabBar list={side} />
          </div>
          <div class="shell__main" id={opened ? 'main' : undefined} role={opened ? 'main' : undefined}>
            {opened ? (
              <Screen name={name} arg={arg} />
            ) : (
              // outside any landmark and only a hint: screen readers have the list itself
              <div class="pane-empty" aria-hidden="true">
                <img src="/icons/icon.svg" alt="" width={72} height={72} />
                <p>{t('chats.pick')}</p>
              </div>
            )}
          </div>
        </div>
      </div>
    )
  }
  const fullScreen = name === 'chat' || name === 'new-group'
  return (
    <div class={`shell ${fullScreen ? 'shell--full' : ''} ${name === 'chat' ? 'shell--room' : ''}`}>
      <ConnectionStrip />
      <UpdatePrompt />
      <main class="shell__main" id="main">
        <Screen name={name} arg={arg} />
      </main>
      {!fullScreen && <TabBar />}
    </div>
  )
}
