// Uploads in progress. With blobs on disk they are files on this node's disk, written in place at their
// offsets. With blobs in Postgres they are pieces in Postgres as well, so that each PATCH of an upload
// may reach any node: nodes need no shared disk and no sticky sessions. Either way the last byte turns
// the upload into a local file for processing (materialize).
import { mkdir, open, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Db } from '../db/db.ts'

/** Pieces of an upload in Postgres are cut at about this size. */
export const PIECE_BYTES = 256 * 1024

export interface PartWriter {
  /** Writes the next bytes (they follow the previous ones). */
  write(chunk: Buffer): Promise<void>
  /** Makes what was written durable and returns how many bytes that is; `keep` false discards it. */
  close(keep: boolean): Promise<number>
}

export interface Partials {
  /** Where the upload's partial file is, for the uploads row (empty when it is not a local file). */
  create(id: string): Promise<string>
  /** A writer from `offset` on; anything stored at or past `offset` before is replaced. */
  open(u: { id: string; temp: string }, offset: number): Promise<PartWriter>
  /** The first `size` bytes as a local file; `done` removes what materializing made. */
  materialize(u: { id: string; temp: string }, size: number): Promise<{ path: string; done(): Promise<void> }>
}

/** Partial files on this node's disk (<dir>/<upload id>). */
export class DiskPartials implements Partials {
  constructor(private readonly dir: string) {}

  async create(id: string): Promise<string> {
    await mkdir(this.dir, { recursive: true })
    const path = join(this.dir, id)
    await writeFile(path, '')
    return path
  }

  async open(u: { temp: string }, offset: number): Promise<PartWriter> {
    let fh: FileHandle
    try {
      fh = await open(u.temp, 'r+')
    } catch (e) {
      // the upload was started on another node: this one has none of its bytes
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new PartialMissing()
      throw e
    }
    let written = 0
    return {
      async write(chunk) {
        await fh.write(chunk, 0, chunk.length, offset + written)
        written += chunk.length
      },
      async close(keep) {
        try {
          if (keep) await fh.sync()
        } finally {
          await fh.close()
        }
        return keep ? written : 0
      },
    }
  }

  async materialize(u: { temp: string }): Promise<{ path: string; done(): Promise<void> }> {
    return { path: u.temp, done: async () => {} }
  }
}

/** Partial uploads as pieces in Postgres (upload_parts), keyed by (upload id, offset). */
export class DbPartials implements Partials {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  async create(): Promise<string> {
    return ''
  }

  async open(u: { id: string }, offset: number): Promise<PartWriter> {
    const { db } = this
    // pieces past the offset the server agreed to: a request that was cut before it could count them
    await db.run('DELETE FROM upload_parts WHERE upload_id = ? AND off >= ?', [u.id, offset])
    let pending: Buffer[] = []
    let pendingBytes = 0
    let stored = 0
    const flush = async () => {
      if (!pendingBytes) return
      const data = Buffer.concat(pending)
      pending = []
      pendingBytes = 0
      await db.run('INSERT INTO upload_parts (upload_id, off, data) VALUES (?, ?, ?)', [u.id, offset + stored, data])
      stored += data.length
    }
    return {
      async write(chunk) {
        pending.push(chunk)
        pendingBytes += chunk.length
        if (pendingBytes >= PIECE_BYTES) await flush()
      },
      async close(keep) {
        if (!keep) {
          pending = []
          await db.run('DELETE FROM upload_parts WHERE upload_id = ? AND off >= ?', [u.id, offset])
          return 0
        }
        await flush()
        return stored
      },
    }
  }

  async materialize(u: { id: string }, size: number): Promise<{ path: string; done(): Promise<void> }> {
    await mkdir(this.dir, { recursive: true })
    const path = join(this.dir, u.id)
    const fh = await open(path, 'w')
    try {
      let at = 0
      while (at < size) {
        // a few pieces at a time: the upload is never in memory as a whole
        const rows = await this.db.all<{ off: number; data: Buffer }>(
          'SELECT off, data FROM upload_parts WHERE upload_id = ? AND off >= ? AND off < ? ORDER BY off LIMIT 4',
          [u.id, at, size],
        )
        if (!rows.length || Number(rows[0].off) !== at) throw new Error(`upload ${u.id} is missing bytes at ${at}`)
        for (const r of rows) {
          if (Number(r.off) !== at) throw new Error(`upload ${u.id} is missing bytes at ${at}`)
          const data = Buffer.from(r.data).subarray(0, size - at)
          await fh.write(data, 0, data.length, at)
          at += data.length
        }
      }
    } catch (e) {
      await fh.close()
      await rm(path, { force: true })
      throw e
    }
    await fh.close()
    return { path, done: () => rm(path, { force: true }) }
  }
}

/** The partial file of an upload started on another node (disk partials only). */
export class PartialMissing extends Error {
  constructor() {
    super('This upload was started on another server node.')
  }
}
