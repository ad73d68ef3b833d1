// Registers web/sw.ts (built to /sw.js) with workbox-window, after the first render so that it never
// competes with the first screen. When a new version waits, the shell shows a reload prompt; accepting
// asks the waiting worker to take over (it must handle {type: 'SKIP_WAITING'}) and reloads once it has.
import { Workbox } from 'workbox-window'
import { updateReady } from './update.ts'

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  const wb = new Workbox('/sw.js', { scope: '/' })
  wb.addEventListener('waiting', () => {
    updateReady.value = () => {
      wb.addEventListener('controlling', () => location.reload())
      wb.messageSkipWaiting()
    }
  })
  wb.register().catch((e: unknown) => console.warn('service worker registration failed', e))
}
