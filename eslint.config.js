// ESLint finds problems; Prettier (.prettierrc.json) owns the layout, so no rule here is about formatting.
// `npm run lint` runs both.
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const UI = ['web/screens', 'web/components', 'web/app']

// The layering, checked on resolved file paths (so `../x.ts`, `./../x.ts` and dynamic `import()` all count).
// Paths are relative to this file. An import that does not resolve is left to tsc.
const zones = [
  {
    target: 'protocol',
    from: ['web', 'server', 'tests', 'bench'],
    message: 'protocol/ is shared by web and server and imports neither.',
  },
  {
    target: ['web', 'server'],
    from: ['tests', 'bench'],
    message: 'Shipped code does not import tests or benchmarks.',
  },
  { target: 'web', from: 'server', message: 'The PWA does not import the server; what both need belongs in protocol/.' },
  { target: 'server', from: 'web', message: 'The server does not import the PWA; what both need belongs in protocol/.' },
  {
    // An allow-list, so a domain added later (server/channels/, ...) is kept out of the engine without editing this.
    target: 'server/sync',
    from: 'server',
    except: ['./sync', './db', './store', './bus', './cluster', './config.ts', './log.ts', './heap.ts'],
    message:
      'The sync engine knows no domain: it may import protocol/, server/db, store, bus, cluster, config.ts, log.ts and heap.ts only.',
  },
  {
    target: ['server/db', 'server/store'],
    from: ['server/sync', 'server/chats'],
    message: 'Storage sits below the sync engine and the chat domain.',
  },
  {
    target: 'web/store',
    from: ['web/sync', 'web/models', ...UI],
    message: 'The local store imports no sync, models or UI.',
  },
  { target: 'web/sync', from: ['web/models', ...UI], message: 'Sync imports no models or UI.' },
  {
    // the per-kind readers sit below store, sync and models alike: pure functions of protocol/ and Yjs
    target: 'web/kinds',
    from: 'web',
    except: ['./kinds'],
    message: 'web/kinds/ imports only protocol/ and yjs: store, sync and models all build on it.',
  },
  {
    target: UI,
    from: ['web/store', 'web/sync', 'web/search/dexie-index.ts'],
    message: 'Screens, components and the app shell reach data only through web/models/ (and web/account/).',
  },
]

export default defineConfig([
  globalIgnores(['dist/', 'dist-server/', 'data/', 'coverage/', '.tmp/']),
  // the script the page runs before the app's modules (a plain script, not a module)
  { files: ['web/boot/boot.js'], languageOptions: { globals: { ...globals.browser }, sourceType: 'script' } },
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    // globals matter only to the .mjs and .cjs files (Node): in TypeScript, tsc checks every name
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      // `any` needs a reason: an eslint-disable comment on the line is that reason.
      '@typescript-eslint/no-explicit-any': 'error',
      // `try { ... } catch {}` with a comment above is how this code says "best effort"
      'no-empty': ['error', { allowEmptyCatch: true }],
      // `cond && act()` and `cond ? a() : b()` as statements are house style; a bare expression is still an error
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: UI.map((d) => `${d}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'dexie', message: 'Screens reach the local store only through web/models/.' },
            { name: 'y-websocket', message: 'Screens reach sync only through web/models/.' },
          ],
        },
      ],
    },
  },
  {
    // CommonJS helpers that benchmarks start as child processes.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      // `const { performance } = require('node:perf_hooks')` names the module it comes from; shadowing the global is the point
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
])
