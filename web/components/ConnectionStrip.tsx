// A thin strip under the header when offline or reconnecting. It is part of the page flow and never
// covers anything: reading and writing keep working (messages wait in the local store).
import { useEffect, useState } from 'preact/hooks'
import { connection } from '../models/index.ts'
import { t } from '../app/t.ts'

export function ConnectionStrip() {
  const state = connection.value
  // a quick reconnect should not flash a strip: show "reconnecting" only after a moment
  const [shown, setShown] = useState(state === 'offline')
  useEffect(() => {
    if (state === 'online') {
      setShown(false)
      return
    }
    if (state === 'offline') {
      setShown(true)
      return
    }
    const timer = setTimeout(() => setShown(true), 1500)
    return () => clearTimeout(timer)
  }, [state])
  const text = !shown || state === 'online' ? '' : state === 'offline' ? t('connection.offline') : t('connection.reconnecting')
  return (
    <div class={`conn-strip ${text ? 'conn-strip--on' : ''} conn-strip--${state}`} role="status" aria-live="polite">
      {text}
    </div>
  )
}
