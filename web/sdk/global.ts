// The classic script /sdk/v1/sori.js: defines `window.Sori`. Sori's origin defaults to the one this script
// was loaded from (read while it runs, when document.currentScript is this script).
import { createSori, type SoriApi } from './sori.ts'

declare global {
  interface Window {
    Sori: SoriApi
  }
}

const script = document.currentScript as HTMLScriptElement | null
window.Sori = createSori(script?.src ? new URL(script.src).origin : location.origin)
