// Registers web/sw.ts (built to /sw.js) with workbox-window, after the first render so that it never
// competes with the first screen. When a new version waits, the shell shows a reload prompt; accepting
// asks the waiting worker to take over (it must handle {type: 'SKIP_WAITING'}) and reloads once it has.
import { Workbox } from 'workbox-window'
import { getToken } from '../account/api.ts'
import { updateReady } from './update.ts'

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  answerWorker()
  const wb = new Workbox('/sw.js', { scope: '/' })
  wb.addEventListener('waiting', () => {
    updateReady.value = () => {
      wb.addEventListener('controlling', () => location.reload())
      wb.messageSkipWaiting()
    }
  })
  wb.register().catch((e: unknown) => console.warn('service worker registration failed', e))
}

/**
 * The worker's questions and news: a player's request needs the session token, which only the page
 * holds (web/media/sw-route.ts); a file it streamed is now in the media cache and counts against the
 * budget; a notification was clicked.
 */
function answerWorker(): void {
  navigator.serviceWorker.addEventListener(
    'message',
    (e: MessageEvent<{ type?: string; id?: unknown; size?: unknown; chat?: unknown; channel?: unknown } | null>) => {
      const d = e.data
      if (d?.type === 'sori-token') e.ports[0]?.postMessage({ token: getToken() })
      // a notification's click, in this window (web/push/sw-push.ts)
      else if (d?.type === 'sori-open-chat' && typeof d.chat === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(d.chat))
        location.hash = `#/chat/${d.chat}`
      else if (d?.type === 'sori-open-channel' && typeof d.channel === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(d.channel))
        location.hash = `#/channel/${d.channel}`
      else if (d?.type === 'sori-media-kept' && typeof d.id === 'string' && typeof d.size === 'number') {
        const { id, size } = d
        void import('../media/blob-url.ts').then((m) => m.noteKept(id, size))
      }
    },
  )
  navigator.serviceWorker.startMessages()
}
