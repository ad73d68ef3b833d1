// Merges a document's stored updates into one, in a worker thread. Merging re-encodes the whole
// document (milliseconds for a page of a few hundred entries): done on the event loop, inside the commit
// that gates acks and fan-out, it stalled every delivery behind it, and under an even load all documents
// came due together (BENCHMARKS.md, "Measurements behind the defaults").
//
// The merge applies the updates to a fresh Y.Doc and encodes its state, the same bytes a loaded doc
// would encode: deleted content (a retracted message's old text) is garbage-collected, which
// Y.mergeUpdates would keep.
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const { setPriority } = require('node:os')
const Y = require(workerData.yjs)
// background work: on a busy machine the event loops that serve sockets go first
try { setPriority(10) } catch {}
parentPort.on('message', (m) => {
  try {
    const doc = new Y.Doc({ guid: 'merge' }) // a guid of its own: a random one costs 31 crypto draws
    for (const [name, kind] of m.roots) kind === 'array' ? doc.getArray(name) : doc.getMap(name)
    doc.transact(() => { for (const u of m.updates) Y.applyUpdate(doc, u) })
    const merged = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    parentPort.postMessage({ id: m.id, merged }, [merged.buffer])
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) })
  }
})
`

/** A root type of the document: its name and kind (the merge must integrate updates into the right types). */
export type RootSpec = [name: string, kind: 'array' | 'map']

export interface Merger {
  merge(updates: Uint8Array[], roots: RootSpec[]): Promise<Uint8Array>
  close(): Promise<void>
}

type Reply = { id: number; merged?: Uint8Array; error?: string }

/** The merger, whose worker thread starts at the first merge (a server that compacts nothing does not carry it). */
export function startMerger(): Merger {
  let merger: Merger | null = null
  return {
    merge: (updates, roots) => (merger ??= spawnMerger()).merge(updates, roots),
    close: () => merger?.close() ?? Promise.resolve(),
  }
}

function spawnMerger(): Merger {
  const yjs = createRequire(import.meta.url).resolve('yjs')
  const worker = new Worker(WORKER, { eval: true, workerData: { yjs } })
  worker.unref()
  const waiting = new Map<number, { resolve: (u: Uint8Array) => void; reject: (e: Error) => void }>()
  let next = 0
  let dead: Error | null = null
  const failAll = (e: Error) => {
    dead = e
    for (const w of waiting.values()) w.reject(e)
    waiting.clear()
  }
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id)
    if (!w) return
    waiting.delete(m.id)
    if (m.merged) w.resolve(m.merged)
    else w.reject(new Error(`merge failed: ${m.error}`))
  })
  worker.on('error', (e) => failAll(e))
  worker.on('exit', () => failAll(new Error('merge worker exited')))
  return {
    merge(updates, roots) {
      if (dead) return Promise.reject(dead)
      const id = next++
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        worker.postMessage({ id, updates, roots })
      })
    },
    async close() {
      await worker.terminate()
    },
  }
}
