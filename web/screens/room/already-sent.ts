// A message I took back had reached the server after all (models/refused.ts): the room says so for a while.
import { useEffect, useState } from 'preact/hooks'
import { alreadySent } from '../../models/refused.ts'

const SHOWN_MS = 6000

/** True for a few seconds after a message of chat `convId` taken back turned out to be sent already. */
export function useAlreadySent(convId: string): boolean {
  const said = alreadySent.value
  const [now, setNow] = useState(() => Date.now())
  const shown = !!said && said.conv === convId && now - said.at < SHOWN_MS
  useEffect(() => {
    if (!said || said.conv !== convId) return
    setNow(Date.now())
    const timer = setTimeout(() => setNow(Date.now()), SHOWN_MS)
    return () => clearTimeout(timer)
  }, [said, convId])
  return shown
}
