// Emits Sori Link's SDK (web/sdk) as /sdk/v1/sori.js (a classic script defining `Sori`) and /sdk/v1/sori.mjs
// (an ES module): each one self-contained file, bundled and minified by esbuild outside the app's module
// graph (an app's page loads it alone, from its own origin). The build prints its gzip size against the
// budget (docs/sdk.md); the dev server builds it on each request.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build, type Format } from 'esbuild'
import type { Plugin } from 'vite'

const BUDGET_BYTES = 8 * 1024
const ENTRIES: readonly { file: string; entry: string; format: Format }[] = [
  { file: 'sdk/v1/sori.js', entry: './global.ts', format: 'iife' },
  { file: 'sdk/v1/sori.mjs', entry: './module.ts', format: 'esm' },
]

async function bundle(entry: string, format: Format): Promise<string> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    minify: true,
    format,
    target: 'es2020',
    legalComments: 'none',
    banner: { js: '/* Sori Link SDK v1: docs/sdk.md */' },
  })
  return out.outputFiles[0].text
}

export function sdkScript(): Plugin {
  return {
    name: 'sori-sdk',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]
        const e = ENTRIES.find((x) => '/' + x.file === path)
        if (!e) return next()
        bundle(e.entry, e.format).then(
          (code) => {
            res.setHeader('content-type', 'text/javascript')
            res.end(code)
          },
          (err: unknown) => next(err),
        )
      })
    },
    async generateBundle() {
      for (const e of ENTRIES) {
        const code = await bundle(e.entry, e.format)
        const gz = gzipSync(code, { level: 9 }).length
        console.log(`${e.file}: ${code.length} bytes, ${gz} bytes gzip (budget ${BUDGET_BYTES})`)
        if (gz > BUDGET_BYTES) this.error(`${e.file} is ${gz} bytes gzip, over its budget of ${BUDGET_BYTES}`)
        this.emitFile({ type: 'asset', fileName: e.file, source: code })
      }
    },
  }
}
