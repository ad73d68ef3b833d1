// `npm start`: builds the PWA if it has not been built, then serves it, the API and the sync endpoint.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startServer } from './app.ts'
import { readConfig } from './config.ts'
import { startHeapCompactor } from './heap.ts'

async function ensureBuilt(dir: string): Promise<boolean> {
  if (existsSync(join(dir, 'index.html'))) return true
  console.log(`No built app in ${dir}/: building it with vite (once)...`)
  try {
    const vite = await import('vite')
    await vite.build({ logLevel: 'warn', build: { outDir: dir } })
  } catch (e) {
    console.error(`Building the app failed, so only the API and sync endpoint are served: ${(e as Error).message}`)
    return false
  }
  return existsSync(join(dir, 'index.html'))
}

async function main(): Promise<void> {
  const config = readConfig()
  const built = await ensureBuilt(config.staticDir)
  const server = await startServer({
    port: config.port,
    host: config.host,
    databaseUrl: config.databaseUrl,
    staticDir: built ? config.staticDir : null,
    trustProxy: config.trustProxy,
  })
  // a process-wide job, so here and not in startServer (tests run several servers in one process)
  const compactor = config.heapCompact ? startHeapCompactor() : null
  const db = /^postgres(ql)?:/.test(config.databaseUrl) ? 'Postgres' : `SQLite ${config.databaseUrl}`
  console.log(
    `Sori is listening on http://${config.host}:${server.port} (${server.url}); ${db}${built ? '' : '; no app build, API only'}`,
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now.`)
      process.exit(1)
    }
    stopping = true
    compactor?.stop()
    console.log(`${signal}: closing sockets, flushing, closing the database...`)
    server.close().then(
      () => process.exit(0),
      (e) => {
        console.error('Shutdown failed:', e)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((e) => {
  console.error('Sori failed to start:', e)
  process.exit(1)
})
