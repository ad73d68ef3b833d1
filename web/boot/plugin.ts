// Serves web/boot/boot.js as /boot.js: minified into the build (a plain script, outside the module graph:
// it must run before the app's modules), as it is from the dev server.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { transformWithEsbuild, type Plugin } from 'vite'

const SOURCE = fileURLToPath(new URL('./boot.js', import.meta.url))

export function bootScript(): Plugin {
  return {
    name: 'sori-boot-script',
    configureServer(server) {
      server.middlewares.use('/boot.js', (_req, res) => {
        res.setHeader('content-type', 'text/javascript')
        res.end(readFileSync(SOURCE, 'utf8'))
      })
    },
    async generateBundle() {
      const { code } = await transformWithEsbuild(readFileSync(SOURCE, 'utf8'), 'boot.js', { minify: true, target: 'es2019' })
      this.emitFile({ type: 'asset', fileName: 'boot.js', source: code })
    },
  }
}
