// SQLite WAL checkpoints copy the log back into the database file and fsync it: tens of milliseconds that,
// left to autocheckpoint, run inside whichever commit crosses the threshold, on the event loop, stalling
// every delivery waiting behind that commit. A worker thread with its own connection checkpoints instead.
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.driver)
const { setPriority } = require('node:os')
// background work: on a busy machine the event loop that serves sockets goes first
try { setPriority(10) } catch {}
const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch (e) { parentPort.postMessage(String(e && e.message)) }
}, workerData.everyMs)
parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(TRUNCATE)') } catch {} db.close(); process.exit(0) })
`

export interface Checkpointer { stop(): Promise<void> }

export function startCheckpointer(path: string, everyMs = 1000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER, { eval: true, workerData: { path, everyMs, driver } })
  worker.on('message', (m) => console.error('sqlite checkpoint:', m))
  worker.on('error', (e) => console.error('sqlite checkpointer failed:', e.message))
  worker.unref()
  return {
    stop: () => new Promise<void>((resolve) => {
      worker.once('exit', () => resolve())
      worker.postMessage('stop')
      setTimeout(() => { void worker.terminate().then(() => resolve()) }, 2000).unref()
    }),
  }
}
