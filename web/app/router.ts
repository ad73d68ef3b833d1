// A hash router: '#/chat/abc' → { name: 'chat', arg: 'abc' }. Hash routes need no server rewrites and
// work from the service worker's precached index.html when offline.
import { signal } from '@preact/signals'
import { ENTITY_ID_RE, HANDLE_RE } from '../../protocol/limits.ts'
import { APP_ID_RE } from '../../protocol/link-ids.ts'

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
  | 'channel-chats'
  | 'channel-groups'
  | 'channel-edit'
  | 'new-channel'
  | 'coupons'
  | 'redeem'
  | 'c'
  | 'share'
  | 'share-in'
  | 'apps'
  | 'app'
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
  // a channel's chats with users, for its admins
  'channel-chats',
  // a channel's customer groups, for its admins
  'channel-groups',
  // a channel's name, about, category, languages and admins, for its admins
  'channel-edit',
  'new-channel',
  'coupons',
  'redeem',
  // a channel by its @ID: the address a brand's "Add channel" button opens
  'c',
  // Sori Link's share screen, opened by an app's page through the SDK (docs/sdk.md)
  'share',
  // what another app shared into Sori (the Web Share Target), before a chat is picked
  'share-in',
  // the Sori Link apps I registered, and one of them
  'apps',
  'app',
]
/** an invite link's token (docs/protocol.md: Invites); its screen says when an address holds anything else */
export const INVITE_TOKEN_RE = /^[A-Za-z0-9_-]{24}$/
// what the service worker kept of a share into Sori (web/share-in/store.ts)
const SHARE_ID_RE = /^[A-Za-z0-9_-]{8,40}$/

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
    ((name === 'chat' ||
      name === 'channel' ||
      name === 'channel-stats' ||
      name === 'channel-chats' ||
      name === 'channel-groups' ||
      name === 'redeem') &&
      !ENTITY_ID_RE.test(arg)) ||
    (name === 'c' && !HANDLE_RE.test(arg.toLowerCase())) ||
    (name === 'share-in' && !SHARE_ID_RE.test(arg) && arg !== 'none') ||
    (name === 'app' && !APP_ID_RE.test(arg))
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

/**
 * Leaves a screen the app may have been opened at from outside (an invite link, a channel's link, a share)
 * for the screen it led to, in its place. Opened there, the app gets the chat list under it: Back from the
 * chat joined then stays in the app instead of leaving it (a phone closes an app whose history is empty).
 */
export function arrive(name: RouteName, arg = ''): void {
  if (navigated) return go(name, arg, true)
  history.replaceState(null, '', '#/chats')
  go(name, arg)
}

/** Back to where the user came from inside the app, or to `fallback` on a cold start. */
export function back(fallback: RouteName = 'chats'): void {
  if (navigated) history.back()
  else go(fallback, '', true)
}
