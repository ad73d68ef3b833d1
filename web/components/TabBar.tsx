// The bottom tab bar: within reach of a thumb; links, so that they work with a keyboard and a screen reader.
import type { ComponentType } from 'preact'
import { route, type RouteName } from '../app/router.ts'
import { unreadWithChannels } from '../models/index.ts'
import { t } from '../app/t.ts'
import { IconChat, IconPerson, IconSearch, IconSettings } from './icons.tsx'
import { UnreadBadge } from './UnreadBadge.tsx'

const TABS: Array<[RouteName, string, ComponentType]> = [
  ['friends', 'nav.friends', IconPerson],
  ['chats', 'nav.chats', IconChat],
  ['search', 'nav.search', IconSearch],
  ['settings', 'nav.settings', IconSettings],
]

/** The tab a screen is reached from, where it is not a tab's own: My apps from Settings, channels and coupons from Friends. */
const PARENT: Partial<Record<RouteName, RouteName>> = {
  chat: 'chats',
  'new-group': 'chats',
  apps: 'settings',
  app: 'settings',
  channels: 'friends',
  'new-channel': 'friends',
  coupons: 'friends',
}

/** `list`: on a wide screen, the list beside what is open, whose tab is the current one unless a tab's own screen is open */
export function TabBar({ list }: { list?: RouteName } = {}) {
  const name = route.value.name
  const current = TABS.some(([tab]) => tab === name) ? name : (list ?? PARENT[name] ?? name)
  // muted chats keep their own count but stay out of the total
  const unread = unreadWithChannels.value
  return (
    <nav class="tabbar" aria-label={t('nav.label')}>
      {TABS.map(([name, key, Icon]) => (
        <a key={name} href={`#/${name}`} class="tabbar__tab" aria-current={current === name ? 'page' : undefined}>
          <Icon />
          {/* data-label: the bold width is kept for every tab (app.css), so the current one does not grow */}
          <span class="tabbar__label" data-label={t(key)}>
            {t(key)}
          </span>
          {name === 'chats' && <UnreadBadge count={unread} class="tabbar__badge" />}
        </a>
      ))}
    </nav>
  )
}
