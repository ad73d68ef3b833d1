// The two BlobStores, held to the same suite: content-addressed storage with ranges, deduplication,
// deletion that spares content stored again, and concurrent writers of the same bytes.
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../server/db/db.ts'
import type { BlobStore } from '../../server/media/blob-store.ts'
import { DiskBlobStore } from '../../server/media/disk-store.ts'
import { CHUNK_BYTES, PgBlobStore } from '../../server/media/pg-store.ts'
import { freshDatabaseUrl } from '../fixtures/databases.ts'

const stores: Array<[string, () => Promise<{ store: BlobStore; close(): Promise<void> }>]> = [
  ['disk', async () => ({ store: new DiskBlobStore(mkdtempSync(join(tmpdir(), 'sori-blobs-'))), close: async () => {} })],
]
if (process.env.DATABASE_URL)
  stores.push([
    'postgres',
    async () => {
      const db: Db = await openDb(await freshDatabaseUrl('postgres'))
      return { store: new PgBlobStore(db), close: () => db.close() }
    },
  ])

const work = mkdtempSync(join(tmpdir(), 'sori-blob-src-'))
let files = 0
/** A local file holding `bytes`, as the upload code hands them to a store. */
function file(bytes: Uint8Array): string {
  const path = join(work, `f${files++}`)
  writeFileSync(path, bytes)
  return path
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
async function all(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c)
  return Buffer.concat(parts)
}
async function hashes(store: BlobStore, before = Date.now() + 60_000): Promise<string[]> {
  const out: string[] = []
  for await (const h of store.list(before)) out.push(h)
  return out.sort()
}

describe.each(stores)('BlobStore (%s)', (_name, open) => {
  let store: BlobStore
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ store, close } = await open())
  })
  afterAll(() => close())

  it('stores a file under its sha256 and reads it back whole and in ranges', async () => {
    // three and a bit chunks, so that ranges cross chunk boundaries
    const bytes = randomBytes(3 * CHUNK_BYTES + 1234)
    const put = await store.put(file(bytes))
    expect(put).toEqual({ hash: sha(bytes), size: bytes.length })
    expect(await store.has(put.hash)).toBe(true)
    expect((await all(await store.read(put.hash))).equals(bytes)).toBe(true)
    for (const [a, b] of [
      [0, 1],
      [CHUNK_BYTES - 10, CHUNK_BYTES + 10],
      [CHUNK_BYTES, 2 * CHUNK_BYTES],
      [5, 3 * CHUNK_BYTES + 1000],
      [bytes.length - 1, bytes.length],
    ])
      expect((await all(await store.read(put.hash, a, b))).equals(bytes.subarray(a, b)), `${a}-${b}`).toBe(true)
    // past the end: what there is; an empty range: nothing
    expect((await all(await store.read(put.hash, bytes.length - 3, bytes.length + 100))).equals(bytes.subarray(-3))).toBe(true)
    expect((await all(await store.read(put.hash, 10, 10))).length).toBe(0)
  })

  it('stores identical content once, and deletes it', async () => {
    const bytes = randomBytes(1000)
    const before = await hashes(store)
    const a = await store.put(file(bytes))
    const b = await store.put(file(bytes))
    expect(b.hash).toBe(a.hash)
    const after = await hashes(store)
    expect(after.length).toBe(before.length + 1)
    expect(after).toContain(a.hash)
    await store.delete(a.hash)
    expect(await store.has(a.hash)).toBe(false)
    await expect(store.read(a.hash)).rejects.toThrow()
    expect(await hashes(store)).toEqual(before)
    // deleting what is not there is no error
    await store.delete(a.hash)
  })

  it('a delete spares content stored again since the time it names', async () => {
    const bytes = randomBytes(500)
    const { hash } = await store.put(file(bytes))
    // a second before: file times come from a coarser clock than Date.now()
    const listedAt = Date.now() - 1000
    expect(await hashes(store, listedAt)).not.toContain(hash)
    await store.delete(hash, listedAt)
    expect(await store.has(hash)).toBe(true)
    const later = Date.now() + 1
    expect(await hashes(store, later)).toContain(hash)
    await store.delete(hash, later)
    expect(await store.has(hash)).toBe(false)
  })

  it('concurrent puts of the same content all succeed and leave one whole copy', async () => {
    const bytes = randomBytes(2 * CHUNK_BYTES + 77)
    const sources = Array.from({ length: 4 }, () => file(bytes))
    const puts = await Promise.all(sources.map((s) => store.put(s)))
    for (const p of puts) expect(p).toEqual({ hash: sha(bytes), size: bytes.length })
    expect((await all(await store.read(sha(bytes)))).equals(bytes)).toBe(true)
    expect((await hashes(store)).filter((h) => h === sha(bytes)).length).toBe(1)
  })

  it('an empty file is content too', async () => {
    const { hash, size } = await store.put(file(new Uint8Array(0)))
    expect(size).toBe(0)
    expect((await all(await store.read(hash))).length).toBe(0)
  })
})

describe('DiskBlobStore layout', () => {
  it('keeps content under <dir>/<first two hex digits>/<sha256>, with nothing left in tmp/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sori-blobs-'))
    const bytes = randomBytes(100)
    const { hash } = await new DiskBlobStore(dir).put(file(bytes))
    expect(readdirSync(join(dir, hash.slice(0, 2)))).toEqual([hash])
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
  })

  it('drops copies a crash left in tmp/ once they are older than the sweep cutoff, and nothing newer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sori-blobs-'))
    const store = new DiskBlobStore(dir)
    const { hash } = await store.put(file(randomBytes(100)))
    // what a process killed in the middle of a put leaves
    writeFileSync(join(dir, 'tmp', `${hash}.dead01`), randomBytes(50))
    expect(await store.dropAbandoned(Date.now() - 60_000)).toBe(0)
    expect(readdirSync(join(dir, 'tmp'))).toEqual([`${hash}.dead01`])
    expect(await store.dropAbandoned(Date.now() + 1)).toBe(1)
    expect(readdirSync(join(dir, 'tmp'))).toEqual([])
    // the stored content is untouched
    expect(await store.has(hash)).toBe(true)
  })
})
