// The embedded default: one file per content under <dir>/<first two hex digits>/<sha256>. A file is
// written under tmp/ and renamed into place, so a reader never sees half of one and two writers of the
// same content both end with the same whole file.
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, open, readdir, rm, stat, unlink, utimes, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { HASH_RE, hashFile, type BlobStore } from './blob-store.ts'

export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk'
  private readonly tmp: string

  constructor(private readonly dir: string) {
    this.tmp = join(dir, 'tmp')
  }

  private path(hash: string): string {
    if (!HASH_RE.test(hash)) throw new Error(`not a sha256: ${hash}`)
    return join(this.dir, hash.slice(0, 2), hash)
  }

  async put(from: string): Promise<{ hash: string; size: number }> {
    const { hash, size } = await hashFile(from)
    const dest = this.path(hash)
    const now = new Date()
    try {
      // already there: stored again now, as far as the sweep is concerned
      await utimes(dest, now, now)
      return { hash, size }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    await mkdir(this.tmp, { recursive: true })
    await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true })
    const tmp = join(this.tmp, `${hash}.${randomBytes(6).toString('hex')}`)
    try {
      await copyFile(from, tmp)
      // the copy is what gets stored: a file changed between hashing and copying would be stored under a wrong name
      const copied = await hashFile(tmp)
      if (copied.hash !== hash) throw new Error(`${from} changed while it was stored`)
      await rename(tmp, dest)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
    return { hash, size }
  }

  async has(hash: string): Promise<boolean> {
    try {
      return (await stat(this.path(hash))).isFile()
    } catch {
      return false
    }
  }

  async read(hash: string, start = 0, end?: number): Promise<Readable> {
    const fh = await open(this.path(hash), 'r')
    const size = (await fh.stat()).size
    // createReadStream's end is inclusive and may not come before start
    const last = Math.min(end ?? size, size) - 1
    if (last < start) {
      await fh.close()
      return Readable.from([])
    }
    return fh.createReadStream({ start, end: last, autoClose: true, highWaterMark: 256 * 1024 })
  }

  async delete(hash: string, unlessStoredSince = Number.MAX_SAFE_INTEGER): Promise<void> {
    const st = await stat(this.path(hash)).catch(() => null)
    if (!st || st.mtimeMs >= unlessStoredSince) return
    await unlink(this.path(hash)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e
    })
  }

  async dropAbandoned(before: number): Promise<number> {
    let dropped = 0
    for (const name of await readdir(this.tmp).catch(() => [] as string[])) {
      const path = join(this.tmp, name)
      const st = await stat(path).catch(() => null)
      // a put copies for seconds: a copy this old belongs to a process that died during it
      if (!st || st.mtimeMs >= before) continue
      await rm(path, { force: true })
      dropped++
    }
    return dropped
  }

  async *list(before: number): AsyncIterable<string> {
    let dirs: string[]
    try {
      dirs = await readdir(this.dir)
    } catch {
      return
    }
    for (const d of dirs) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue
      for (const name of await readdir(join(this.dir, d)).catch(() => [] as string[])) {
        if (!HASH_RE.test(name)) continue
        const st = await stat(join(this.dir, d, name)).catch(() => null)
        if (st && st.mtimeMs < before) yield name
      }
    }
  }
}
