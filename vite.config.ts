import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { VitePWA } from 'vite-plugin-pwa'
import { bootScript } from './web/boot/plugin.ts'
import { sdkScript } from './web/sdk/plugin.ts'
import { localeParts } from './web/i18n/parts-plugin.ts'
import { manifest } from './web/manifest/manifest.ts'
import { localeManifests, wordsFor } from './web/manifest/plugin.ts'

// The PWA build: Preact, lazy route chunks, and a Workbox service worker (web/sw.ts) whose precache
// manifest vite-plugin-pwa injects. Registration is ours (web/app/sw-register.ts), after first render.
const BACKEND = 'http://localhost:8080'

export default defineConfig({
  root: '.',
  publicDir: 'public',
  resolve: {
    // the same console output without lib0/dom and lib0/schema in the sync chunk (see the module)
    alias: [{ find: /^lib0\/logging$/, replacement: fileURLToPath(new URL('./web/vendor/lib0-logging.ts', import.meta.url)) }],
  },
  plugins: [
    preact(),
    bootScript(),
    // Sori Link's SDK for apps' pages: /sdk/v1/sori.js and .mjs, outside the app (and its precache)
    sdkScript(),
    localeParts(),
    localeManifests(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'web',
      filename: 'sw.ts',
      injectRegister: false,
      injectManifest: {
        // the app shell, its lazy chunks, the locale bundles and icons: everything needed offline
        globPatterns: ['**/*.{js,css,html,png,svg,json,webmanifest}'],
        globIgnores: ['sdk/**'],
      },
      includeAssets: ['robots.txt', 'icons/icon.svg'],
      // English for a page that has not chosen its language yet; each language's own from localeManifests
      manifest: manifest('en', wordsFor('en')),
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      output: {
        // stable, named vendor chunks (they change less often than our code, so they stay cached)
        manualChunks(id) {
          if (/node_modules\/(preact|@preact)\//.test(id)) return 'preact'
          if (/node_modules\/(yjs|y-websocket|y-protocols|lib0|dexie)\//.test(id)) return 'sync'
          if (/node_modules\/i18next\//.test(id)) return 'i18next'
          // the account (session, API client) serves the sign-in screen: kept apart from the data layer,
          // which pulls in the sync chunk (Yjs, Dexie) that only a signed-in app needs
          if (/\/web\/account\//.test(id) || /\/web\/store\/(storage|db-name|stash)\.ts$/.test(id)) return 'account'
          if (/\/protocol\/limits\.ts$/.test(id)) return 'account'
          // the rest of the data layer goes where it is imported: what the chat list needs with the
          // signed-in chunk, what only the room (or search) needs with the room (web/models/room.ts)
          return undefined
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': BACKEND,
      '/sync': { target: BACKEND.replace(/^http/, 'ws'), ws: true },
    },
  },
})
