// SQLite WAL checkpoints copy the log back into the database file and fsync it: tens of milliseconds that,
// left to autocheckpoint, run inside whichever commit crosses the threshold, on the event loop, stalling
// every delivery waiting behind that commit. A worker thread with its own connection checkpoints instead.
//
// A passive checkpoint never blocks the writer, but the log only starts over from its beginning when a
// write finds every frame copied back, and under a steady stream of commits some always arrive while a
// checkpoint runs: bench:delivery grew the WAL to 330 MB in 13 s (25 MB/s, for a 15 MB database), and a
// server that is never idle would fill its disk. So the worker reports each passive checkpoint, and once
// the log holds `restartFrames` the writing connection (sqlite.ts) restarts it itself, between two of its
// transactions. That copies what was written since the worker's checkpoint and syncs: 8–20 ms on the
// event loop under that load, so it is done rarely (32,768 frames, 128 MB: every ~5 s at 25 MB/s).
// Doing it in the worker instead held every commit back for 50–70 ms at p99: at nice 10 on a busy
// machine the worker waits that long for a core; restarting every 4,096 frames cost 13% more CPU per
// message (bench:delivery --against).
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
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ log: r.log })
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message) })
  }
}, workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  try { db.pragma('wal_checkpoint(TRUNCATE)') } catch {}
  db.close()
  process.exit(0)
})
`

export interface CheckpointOptions {
  /** how often the worker runs a passive checkpoint, ms */
  everyMs?: number
  /** WAL frames (pages) after which the log is restarted from its beginning */
  restartFrames?: number
}

export interface Checkpointer {
  stop(): Promise<void>
}

type FromWorker = { log: number; error?: undefined } | { error: string }

/** `restart()` is called (at most once per passive checkpoint) when the log holds `restartFrames` pages. */
export function startCheckpointer(path: string, restart: () => void, opts: CheckpointOptions = {}): Checkpointer {
  const everyMs = opts.everyMs ?? 1000
  const restartFrames = opts.restartFrames ?? 32_768
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER, { eval: true, workerData: { path, everyMs, driver } })
  let stopped = false
  worker.on('message', (m: FromWorker) => {
    if (m.error !== undefined) console.error('sqlite checkpoint:', m.error)
    else if (m.log >= restartFrames && !stopped) restart()
  })
  worker.on('error', (e) => console.error('sqlite checkpointer failed:', e.message))
  worker.unref()
  return {
    stop: () => new Promise<void>((resolve) => {
      stopped = true
      // held until it has exited: unref'd, a process with nothing else to do would end before its answer,
      // leaving whoever awaits close() unsettled
      worker.ref()
      worker.once('exit', () => resolve())
      worker.postMessage('stop')
      setTimeout(() => { void worker.terminate().then(() => resolve()) }, 2000).unref()
    }),
  }
}
