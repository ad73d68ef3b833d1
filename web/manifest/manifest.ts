// The web app manifest, and the same in each of the twelve languages: what a phone shows of Sori outside
// it (the install dialog's description, the home screen icon's long-press shortcuts) speaks the language
// chosen in the app. The build writes one file per language (plugin.ts); the page links the one of its
// language (web/i18n/index.ts).
import type { ManifestOptions } from 'vite-plugin-pwa'

export const manifestFile = (lng: string): string => `manifest-${lng}.webmanifest`

/** The strings a manifest holds, in its language (plugin.ts takes them from the locale bundles). */
export interface Words {
  description: string
  newGroup: string
  friends: string
}

export function manifest(lang: string, w: Words): Partial<ManifestOptions> {
  const icon = [{ src: '/icons/icon-192.png', sizes: '192x192' }]
  return {
    name: 'Sori',
    short_name: 'Sori',
    description: w.description,
    lang,
    theme_color: '#FEE500',
    background_color: '#FFFFFF',
    display: 'standalone',
    // the app's identity for the browser, whatever start_url may become, and the same in every language
    id: '/',
    start_url: '/',
    scope: '/',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    // Sori in the phone's share sheet: the service worker keeps what comes (web/share-in/sw-share.ts)
    share_target: {
      action: '/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: {
        title: 'title',
        text: 'text',
        url: 'url',
        files: [{ name: 'files', accept: ['image/*', 'video/*', 'audio/*', '*/*'] }],
      },
    },
    // named as the screens they open are
    shortcuts: [
      { name: w.newGroup, short_name: w.newGroup, url: '/#/new-group', icons: icon },
      { name: w.friends, short_name: w.friends, url: '/#/friends', icons: icon },
    ],
  }
}
