// Copying a text to the clipboard, and what came of it for a moment: "Copied", or "Could not copy" (no
// clipboard outside a secure context, such as plain http on a LAN), which stays until the next try so that
// the screen can show the text to select instead.
import { useEffect, useState } from 'preact/hooks'

export type Copied = '' | 'ok' | 'failed'

const copyText = (text: string): Promise<void> =>
  'clipboard' in navigator ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'))

export function useCopy(): { done: Copied; copy: (text: string) => void } {
  const [done, setDone] = useState<Copied>('')
  useEffect(() => {
    if (done !== 'ok') return
    const timer = setTimeout(() => setDone(''), 2000)
    return () => clearTimeout(timer)
  }, [done])
  const copy = (text: string) =>
    void copyText(text).then(
      () => setDone('ok'),
      () => setDone('failed'),
    )
  return { done, copy }
}
