// Where media bytes live: a content-addressed store (sha256 of the bytes) behind one seam, so that the
// embedded server keeps them on disk and several nodes can share one Postgres without a shared disk.
// Everything streams: no call holds a whole file in memory.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import type { Db } from '../db/db.ts'
import { DbPartials, DiskPartials, type Partials } from './partials.ts'

export interface BlobStore {
  readonly kind: 'disk' | 'postgres'
  /**
   * Stores the bytes of the local file `path` under their sha256 (copied: the caller still owns the
   * file). Identical content is stored once; storing it again only marks it as recently stored, so
   * that a sweep running at the same time spares it.
   */
  put(path: string): Promise<{ hash: string; size: number }>
  has(hash: string): Promise<boolean>
  /** Bytes [start, end) of the content (end: its size when left out); rejects when it is not stored. */
  read(hash: string, start?: number, end?: number): Promise<Readable>
  /** Removes the content; with `unlessStoredSince`, not if it was stored (again) at or after that time. */
  delete(hash: string, unlessStoredSince?: number): Promise<void>
  /** The hashes stored (or stored again) before `before` (ms since the epoch), for the collector's sweep. */
  list(before: number): AsyncIterable<string>
  /** Removes what puts that never finished (the process died half-way) left before `before`; how many. */
  dropAbandoned(before: number): Promise<number>
}

export const HASH_RE = /^[0-9a-f]{64}$/

/** sha256 (hex) and size of a local file, read as a stream. */
export async function hashFile(path: string): Promise<{ hash: string; size: number }> {
  const h = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    h.update(chunk)
    size += chunk.length
  }
  return { hash: h.digest('hex'), size }
}

/**
 * The local folder for media: SORI_BLOB_DIR, else a `blobs` folder next to the SQLite file, else
 * ./data/blobs. Uploads in progress are written under it as well (`uploads/`).
 */
export function mediaDir(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.SORI_BLOB_DIR) return resolve(env.SORI_BLOB_DIR)
  if (/^postgres(ql)?:\/\//.test(databaseUrl) || databaseUrl === ':memory:') return resolve('data', 'blobs')
  return join(dirname(resolve(databaseUrl)), 'blobs')
}

/** The store SORI_BLOBS names (disk | postgres); by default disk on SQLite and postgres on Postgres. */
export async function openBlobStore(db: Db, dir: string, env: NodeJS.ProcessEnv = process.env): Promise<BlobStore> {
  const choice = env.SORI_BLOBS || (db.dialect === 'postgres' ? 'postgres' : 'disk')
  if (choice === 'disk') return new (await import('./disk-store.ts')).DiskBlobStore(dir)
  if (choice === 'postgres') {
    // on SQLite every chunk would go through the one writer and the WAL: not what this store is for
    if (db.dialect !== 'postgres') throw new Error('SORI_BLOBS=postgres needs DATABASE_URL to name a Postgres database')
    return new (await import('./pg-store.ts')).PgBlobStore(db)
  }
  throw new Error(`SORI_BLOBS must be disk or postgres, not ${JSON.stringify(choice)}`)
}

/** Uploads in progress live where the blobs do: in the database when the blobs do, else on this node's disk. */
export function partialsFor(store: BlobStore, db: Db, uploadDir: string): Partials {
  return store.kind === 'postgres' ? new DbPartials(db, uploadDir) : new DiskPartials(uploadDir)
}
