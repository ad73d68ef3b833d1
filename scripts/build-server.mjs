// Bundles the server (server/main.ts and everything it imports from this repository; packages stay in
// node_modules) into dist-server/main.mjs with esbuild, for `npm start` (scripts/start.mjs) and the
// benchmarks. ~0.1 s, so it is done on every start and never stale.
import { build, stop } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Builds the bundle and returns its path. `name`: another file in dist-server/ (tests that run servers
 * as processes build their own, so that a concurrent `npm start` never hands them a half-written one).
 */
export async function buildServer(name = 'main.mjs') {
  const outfile = join(root, 'dist-server', name)
  try {
    await build({
      entryPoints: [join(root, 'server', 'main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    })
  } finally {
    // esbuild's service process would otherwise live as long as the server
    await stop()
  }
  return outfile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildServer())
