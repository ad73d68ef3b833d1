import { defineConfig } from 'vite'
import preact from '@preact/preset-vite'
import { VitePWA } from 'vite-plugin-pwa'

// The PWA build: Preact, lazy route chunks, and a Workbox service worker (web/sw.ts) whose precache
// manifest vite-plugin-pwa injects. Registration is ours (web/app/sw-register.ts), after first render.
const BACKEND = 'http://localhost:8080'

export default defineConfig({
  root: '.',
  publicDir: 'public',
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'web',
      filename: 'sw.ts',
      injectRegister: false,
      injectManifest: {
        // the app shell, its lazy chunks, the locale bundles and icons: everything needed offline
        globPatterns: ['**/*.{js,css,html,png,svg,json,webmanifest}'],
      },
      includeAssets: ['robots.txt', 'icons/icon.svg'],
      manifest: {
        name: 'Sori',
        short_name: 'Sori',
        description: 'Chat with friends, online or offline.',
        lang: 'en',
        theme_color: '#FEE500',
        background_color: '#FFFFFF',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        shortcuts: [
          {
            name: 'New chat',
            short_name: 'New chat',
            url: '/#/new-group',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
          },
          {
            name: 'Friends',
            short_name: 'Friends',
            url: '/#/friends',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192' }],
          },
        ],
      },
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
          if (/\/web\/(store|sync|models|kinds)\//.test(id)) return 'data'
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
