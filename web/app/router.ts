// A hash router: '#/chat/abc' → { name: 'chat', arg: 'abc' }. Hash routes need no server rewrites and
// work from the service worker's precached index.html when offline.
import { signal } from '@preact/signals'
import { ENTITY_ID_RE, HANDLE_RE } from '../../protocol/limits.ts'

export type RouteName =
  | 'chats'
  | 'friends'
  | 'chat'
  | 'settings'
  | 'search'
  | 'new-group'
  | 'invite'
  | 'channels'
  | 'channel'
  | 'channel-stats'
  | 'new-channel'
  | 'coupons'
  | 'redeem'
  | 'c'
export interface Route {
  name: RouteName
  arg: string
}

const NAMES: readonly RouteName[] = [
  'chats',
  'friends',
  'chat',
  'settings',
  'search',
  'new-group',
  'invite',
  'channels',
  'channel',
  // a channel's statistics, for its admins
  'channel-stats',
  'new-channel',
  'coupons',
  'redeem',
  // a channel by its @ID: the address a brand's "Add channel" button opens
  'c',
]
// an invite link's token (docs/protocol.md: Invites)
const INVITE_TOKEN_RE = /^[A-Za-z0-9_-]{24}$/

const decodePart = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return ''
  }
}

export function parseRoute(hash: string): Route {
  const [name = '', arg = ''] = hash.replace(/^#\/?/, '').split('/').map(decodePart)
  if (
    !(NAMES as readonly string[]).includes(name) ||
    ((name === 'chat' || name === 'channel' || name === 'channel-stats' || name === 'redeem') && !ENTITY_ID_RE.test(arg)) ||
    (name === 'invite' && !INVITE_TOKEN_RE.test(arg)) ||
    (name === 'c' && !HANDLE_RE.test(arg.toLowerCase()))
  )
    return { name: 'chats', arg: '' }
  return { name: name as RouteName, arg }
}

export const route = signal<Route>(parseRoute(location.hash))
// set once the user has navigated inside the app, so that back() may use the browser's history
let navigated = false
addEventListener('hashchange', () => {
  navigated = true
  route.value = parseRoute(location.hash)
})

export function go(name: RouteName, arg = '', replace = false): void {
  const hash = `#/${name}${arg ? '/' + encodeURIComponent(arg) : ''}`
  if (replace) {
    history.replaceState(null, '', hash)
    route.value = parseRoute(hash)
  } else location.hash = hash
}

/** Back to where the user came from inside the app, or to `fallback` on a cold start. */
export function back(fallback: RouteName = 'chats'): void {
  if (navigated) history.back()
  else go(fallback, '', true)
}
