// Lazy route chunks without preact/compat: the screen's module is fetched on first render and cached.
// A failed fetch (offline before the chunk was cached, or an old chunk gone after a deploy) offers a reload.
import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { t } from './t.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- screens take different props (Room takes convId, the others none)
type AnyComponent = ComponentType<any>

/** A lazy screen; `preload()` fetches its chunk ahead of its first render (a failure is left to that render). */
export type LazyComponent = AnyComponent & { preload(): void }

export function lazy(load: () => Promise<{ default: AnyComponent }>): LazyComponent {
  let loaded: AnyComponent | null = null
  let pending: Promise<AnyComponent> | null = null
  const fetchIt = () =>
    (pending ??= load()
      .then((m) => (loaded = m.default))
      .catch((e) => {
        pending = null
        throw e
      }))
  function Lazy(props: Record<string, unknown>) {
    const [, setTick] = useState(0)
    const [failed, setFailed] = useState(false)
    const shown = loaded !== null
    useEffect(() => {
      if (shown) return
      // fetched (preloaded) between the first render and now: render it
      if (loaded) return void setTick((n) => n + 1)
      let live = true
      fetchIt().then(
        () => live && setTick((n) => n + 1),
        () => live && setFailed(true),
      )
      return () => {
        live = false
      }
    }, [])
    if (loaded) {
      const C = loaded
      return <C {...props} />
    }
    if (failed) {
      return (
        <div class="screen-message" role="alert">
          <p>{t('app.loadFailed')}</p>
          <button class="btn" onClick={() => location.reload()}>
            {t('app.reload')}
          </button>
        </div>
      )
    }
    return <div class="screen-loading" aria-busy="true" aria-label={t('app.loading')} />
  }
  Lazy.preload = (): void => {
    if (!loaded) fetchIt().catch(() => undefined)
  }
  return Lazy
}
