// The Search screen belongs to web/screens/search/ (the i18n/search work). It is picked up here when it
// exists, as a lazy chunk; until then the tab shows a short note.
import { lazy } from './lazy.tsx'
import { t } from './t.ts'

const modules = import.meta.glob<{ default: never }>('../screens/search/Search.tsx')
const load = Object.values(modules)[0]
const Search = load ? lazy(load) : null

export function SearchSlot() {
  if (Search) return <Search />
  return (
    <section class="screen">
      <header class="topbar">
        <h1 class="topbar__title">{t('nav.search')}</h1>
      </header>
      <p class="empty">{t('app.comingSoon')}</p>
    </section>
  )
}
