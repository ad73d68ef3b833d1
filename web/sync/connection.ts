// The connection strip's signal: 'online' when the inbox socket is up, 'connecting' while it retries,
// 'offline' when the OS says so or the server cannot be reached.
import { signal } from '@preact/signals'
import type { WebsocketProvider } from 'y-websocket'
import { dropSockets, watchProviders } from './docs.ts'

/** failed attempts in a row after which "reconnecting" becomes "offline" (~1.5 s of backoff) */
const FAILURES_OFFLINE = 3
const onLine = (): boolean => typeof navigator === 'undefined' || navigator.onLine !== false

export const connection = signal<'online' | 'connecting' | 'offline'>(onLine() ? 'connecting' : 'offline')

let inbox: WebsocketProvider | null = null
let inboxName = ''

function update(): void {
  if (!onLine()) connection.value = 'offline'
  else if (inbox?.wsconnected) connection.value = 'online'
  // (no provider yet: it starts once the stored inbox is loaded, a few ms after start)
  else if (inbox && inbox.wsUnsuccessfulReconnects >= FAILURES_OFFLINE) connection.value = 'offline'
  else connection.value = 'connecting'
}

export function trackConnection(inboxDocName: string): () => void {
  inboxName = inboxDocName
  const stopWatch = watchProviders((name, p) => {
    if (name !== inboxName) return
    inbox = p
    p?.on('status', update)
    p?.on('connection-close', update)
    update()
  })
  // an open WebSocket can outlive the network by minutes (until TCP gives up); when the OS says we
  // are offline, close the sockets so y-websocket retries and resyncs as soon as the network is back
  const offline = (): void => {
    dropSockets()
    update()
  }
  addEventListener('offline', offline)
  addEventListener('online', update)
  update()
  return () => {
    stopWatch()
    removeEventListener('offline', offline)
    removeEventListener('online', update)
    inbox = null
    inboxName = ''
    connection.value = onLine() ? 'connecting' : 'offline'
  }
}
