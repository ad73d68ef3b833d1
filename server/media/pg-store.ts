// Content shared by several server nodes without a shared disk: 256 KiB chunks in Postgres, keyed by
// (sha256, index). A content is whole once its blob_content row exists; chunks and that row are
// written in one transaction, so a crash leaves nothing behind and concurrent writers of the same
// content wait on each other's rows instead of duplicating them.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { Db } from '../db/db.ts'
import { HASH_RE, hashFile, type BlobStore } from './blob-store.ts'

export const CHUNK_BYTES = 256 * 1024
/** Chunks fetched per query while reading: a few hundred KiB in memory at a time. */
const READ_BATCH = 4

export class PgBlobStore implements BlobStore {
  readonly kind = 'postgres'

  constructor(private readonly db: Db) {}

  async put(from: string): Promise<{ hash: string; size: number }> {
    const { hash, size } = await hashFile(from)
    if ((await this.db.run('UPDATE blob_content SET created = ? WHERE hash = ?', [Date.now(), hash])).changes)
      return { hash, size }
    await this.db.tx(async (q) => {
      let idx = 0
      let written = 0
      for await (const chunk of exactChunks(createReadStream(from, { highWaterMark: CHUNK_BYTES }))) {
        await q.run('INSERT INTO blob_chunks (hash, idx, data) VALUES (?, ?, ?) ON CONFLICT (hash, idx) DO NOTHING', [
          hash,
          idx++,
          chunk,
        ])
        written += chunk.length
      }
      // what went in is what was hashed, or nothing is kept
      if (written !== size) throw new Error(`${from} changed while it was stored`)
      await q.run(
        'INSERT INTO blob_content (hash, size, created) VALUES (?, ?, ?) ON CONFLICT (hash) DO UPDATE SET created = excluded.created',
        [hash, size, Date.now()],
      )
    })
    return { hash, size }
  }

  async has(hash: string): Promise<boolean> {
    return !!(await this.db.get('SELECT 1 AS x FROM blob_content WHERE hash = ?', [hash]))
  }

  async read(hash: string, start = 0, end?: number): Promise<Readable> {
    if (!HASH_RE.test(hash)) throw new Error(`not a sha256: ${hash}`)
    const row = await this.db.get<{ size: number }>('SELECT size FROM blob_content WHERE hash = ?', [hash])
    if (!row) throw Object.assign(new Error(`no content ${hash}`), { code: 'ENOENT' })
    const stop = Math.min(end ?? Number(row.size), Number(row.size))
    if (stop <= start) return Readable.from([])
    const db = this.db
    async function* chunks(): AsyncGenerator<Buffer> {
      const first = Math.floor(start / CHUNK_BYTES)
      const last = Math.floor((stop - 1) / CHUNK_BYTES)
      for (let from = first; from <= last; from += READ_BATCH) {
        const to = Math.min(from + READ_BATCH - 1, last)
        const rows = await db.all<{ idx: number; data: Buffer }>(
          'SELECT idx, data FROM blob_chunks WHERE hash = ? AND idx >= ? AND idx <= ? ORDER BY idx',
          [hash, from, to],
        )
        if (rows.length !== to - from + 1) throw new Error(`content ${hash} is missing chunks`)
        for (const r of rows) {
          const base = Number(r.idx) * CHUNK_BYTES
          const data = Buffer.from(r.data)
          yield data.subarray(Math.max(0, start - base), Math.min(data.length, stop - base))
        }
      }
    }
    return Readable.from(chunks(), { objectMode: false })
  }

  async delete(hash: string, unlessStoredSince = Number.MAX_SAFE_INTEGER): Promise<void> {
    await this.db.tx(async (q) => {
      const gone = await q.run('DELETE FROM blob_content WHERE hash = ? AND created < ?', [hash, unlessStoredSince])
      if (gone.changes) await q.run('DELETE FROM blob_chunks WHERE hash = ?', [hash])
    })
  }

  /** A put writes its chunks in one transaction: a put that died half-way left nothing. */
  async dropAbandoned(): Promise<number> {
    return 0
  }

  async *list(before: number): AsyncIterable<string> {
    const rows = await this.db.all<{ hash: string }>('SELECT hash FROM blob_content WHERE created < ?', [before])
    for (const r of rows) yield r.hash
  }
}

/** Re-cuts a stream into pieces of exactly CHUNK_BYTES (the last one shorter). */
async function* exactChunks(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = []
  let n = 0
  for await (const piece of src) {
    let rest = piece
    while (n + rest.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - n
      pending.push(rest.subarray(0, take))
      yield Buffer.concat(pending)
      pending = []
      n = 0
      rest = rest.subarray(take)
    }
    if (rest.length) {
      pending.push(rest)
      n += rest.length
    }
  }
  if (n) yield Buffer.concat(pending)
}
