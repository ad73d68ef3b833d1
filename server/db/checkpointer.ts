// SQLite WAL checkpoints copy the log back into the database file and fsync it: tens of milliseconds that,
// left to autocheckpoint, run inside whichever commit crosses the threshold, on the event loop, stalling
// every delivery waiting behind that commit. A worker thread with its own connection checkpoints instead.
//
// A passive checkpoint never blocks the writer, but the log only starts over from its beginning when a
// write finds every frame copied back, and under a steady stream of commits some always arrive while a
// checkpoint runs, so the log of a server that is never idle would grow until the disk is full. So the
// worker reports each passive checkpoint, and once the log holds `restartFrames` the writing connection
// (sqlite.ts) restarts it itself, between two of its transactions. That copies what was written since
// the worker's checkpoint and syncs, on the event loop, so it is done rarely (32,768 frames, 128 MB).
// Doing it in the worker instead held commits back while the worker, at nice 10 on a busy machine,
// waited for a core; restarting more often cost CPU per message (BENCHMARKS.md, "Measurements behind
// the defaults").
//
// Both depend on the worker getting a core, which a loaded machine may not give it: the bound that holds
// whatever the scheduling is `limitFrames`, past which the writing connection truncates the log without
// waiting for the worker's report (wal-limit.ts).
//
// The worker runs only while there is something to checkpoint: the first write starts it, and once the
// log is all copied back and nothing has been written for `idleMs` it empties the log file (the one moment
// when taking the write lock for the length of a truncation holds up nobody), closes its connection and exits.
// A thread with its own V8 isolate and SQLite connection is about 7 MB of RSS that a server nobody
// writes to would carry for nothing; starting it again takes milliseconds, off the event loop.
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
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed })
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message) })
  }
}, workerData.everyMs)
// 'stop' (the database closes): empty the log; 'idle': the log is copied back already, and the file, which
// keeps its size while writes come (sqlite.ts), is emptied unless a write has just begun (busy: left as it is)
parentPort.on('message', (m) => {
  clearInterval(timer)
  if (m === 'idle') db.pragma('busy_timeout = 0')
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
  /**
   * WAL frames past which the writing connection truncates the log itself, whether or not the worker has had
   * a core (wal-limit.ts); twice `restartFrames` unless given: room for the worker's own restart, which
   * lets the log run a little past `restartFrames` before it comes
   */
  limitFrames?: number
  /** how long after the last write the worker exits, once its checkpoint has copied the whole log back, ms */
  idleMs?: number
}

/** The options with their defaults. */
export function checkpointSettings(opts: CheckpointOptions = {}): Required<CheckpointOptions> {
  const restartFrames = opts.restartFrames ?? 32_768
  return {
    everyMs: opts.everyMs ?? 1000,
    restartFrames,
    limitFrames: opts.limitFrames ?? 2 * restartFrames,
    idleMs: opts.idleMs ?? 30_000,
  }
}

export interface Checkpointer {
  /** A transaction wrote to the database: the worker starts if it is not running. */
  wrote(): void
  stop(): Promise<void>
}

type FromWorker = { log: number; checkpointed: number; error?: undefined } | { error: string }

/** `restart()` is called (at most once per passive checkpoint) when the log holds `restartFrames` pages. */
export function startCheckpointer(path: string, restart: () => void, opts: CheckpointOptions = {}): Checkpointer {
  const { everyMs, restartFrames, idleMs } = checkpointSettings(opts)
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  let worker: Worker | null = null
  let stopped = false
  /** whether anything was written since the worker's last report, and how long its reports have found nothing to do */
  let written = false
  let quietMs = 0

  const spawn = (): Worker => {
    const w = new Worker(WORKER, { eval: true, workerData: { path, everyMs, driver } })
    quietMs = 0
    w.on('message', (m: FromWorker) => {
      if (m.error !== undefined) return console.error('sqlite checkpoint:', m.error)
      if (m.log >= restartFrames && !stopped) restart()
      if (written || m.checkpointed < m.log) {
        written = false
        quietMs = 0
      } else if ((quietMs += everyMs) >= idleMs && worker === w) {
        worker = null
        w.postMessage('idle')
      }
    })
    w.on('error', (e) => console.error('sqlite checkpointer failed:', e.message))
    w.unref()
    return w
  }

  return {
    wrote() {
      written = true
      if (!worker && !stopped) worker = spawn()
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = true
        const w = worker
        worker = null
        if (!w) return resolve()
        // held until it has exited: unref'd, a process with nothing else to do would end before its answer,
        // leaving whoever awaits close() unsettled
        w.ref()
        w.once('exit', () => resolve())
        w.postMessage('stop')
        setTimeout(() => {
          void w.terminate().then(() => resolve())
        }, 2000).unref()
      }),
  }
}
