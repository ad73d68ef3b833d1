// The bottom tab bar: within reach of a thumb; links, so that they work with a keyboard and a screen reader.
import type { ComponentType } from 'preact'
import { route, type RouteName } from '../app/router.ts'
import { chatList } from '../models/index.ts'
import { t } from '../app/t.ts'
import { IconChat, IconPerson, IconSearch, IconSettings } from './icons.tsx'

const TABS: Array<[RouteName, string, ComponentType]> = [
  ['friends', 'nav.friends', IconPerson],
  ['chats', 'nav.chats', IconChat],
  ['search', 'nav.search', IconSearch],
  ['settings', 'nav.settings', IconSettings],
]

export function TabBar() {
  const current = route.value.name
  const unread = chatList.value.reduce((n, c) => n + (c.unread > 0 ? c.unread : 0), 0)
  return (
    <nav class="tabbar" aria-label={t('nav.label')}>
      {TABS.map(([name, key, Icon]) => (
        <a key={name} href={`#/${name}`} class="tabbar__tab" aria-current={current === name ? 'page' : undefined}>
          <Icon />
          {/* data-label: the bold width is kept for every tab (app.css), so the current one does not grow */}
          <span class="tabbar__label" data-label={t(key)}>
            {t(key)}
          </span>
          {name === 'chats' && unread > 0 && (
            <span class="badge tabbar__badge" aria-label={t('chats.unread', { count: unread })}>
              {unread > 999 ? '999+' : unread}
            </span>
          )}
        </a>
      ))}
    </nav>
  )
}
