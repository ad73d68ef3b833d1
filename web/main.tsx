// Entry: start the language, render the shell, then (when idle) register the service worker.
import { render } from 'preact'
import { App } from './app/App.tsx'
import { startLanguage } from './app/language.ts'
import { me } from './account/session.ts'
import './styles/app.css'

// signed in: fetch the app's chunk (data layer, Yjs, Dexie) while the language loads, not after
if (me.value) void import('./app/SignedIn.tsx')
await startLanguage()
render(<App />, document.getElementById('app')!)

if (import.meta.env.PROD) {
  const later = (fn: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 3000 }) : setTimeout(fn, 1000)
  later(() => void import('./app/sw-register.ts').then((m) => m.registerServiceWorker()))
}
