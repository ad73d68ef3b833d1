// The "new version — reload" state. sw-register.ts (loaded after first render) fills it in when a new
// service worker is installed and waiting.
import { signal } from '@preact/signals'

export const updateReady = signal<null | (() => void)>(null)
