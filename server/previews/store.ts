// The link_previews table: one row per URL (keyed by its sha256), shared by every user who sends or sees
// the link. A preview is fresh for a day; a failure for ten minutes.
import { createHash } from 'node:crypto'
import type { Db } from '../db/db.ts'

export const FRESH_MS = 24 * 60 * 60_000
export const FAILURE_MS = 10 * 60_000

export interface PreviewRow {
  url_hash: string
  url: string
  title: string
  description: string
  site: string
  image: Uint8Array | null
  fetched: number
  /** 0, or the status the failure gave (403 private address, 422 no preview) */
  failed: number
  error: string
}

export const urlHash = (url: string): string => createHash('sha256').update(url).digest('hex')

export const HASH_RE = /^[0-9a-f]{64}$/

/** The row for this URL while it is still fresh (a success for a day, a failure for ten minutes). */
export async function freshPreview(db: Db, hash: string, now = Date.now()): Promise<PreviewRow | undefined> {
  const row = await db.get<PreviewRow>(
    'SELECT url_hash, url, title, description, site, image, fetched, failed, error FROM link_previews WHERE url_hash = ?',
    [hash],
  )
  if (!row) return undefined
  const failed = Number(row.failed)
  const age = now - Number(row.fetched)
  if (age > (failed ? FAILURE_MS : FRESH_MS)) return undefined
  return { ...row, fetched: Number(row.fetched), failed }
}

/** The thumbnail of a fresh preview, if it has one. */
export async function previewImage(db: Db, hash: string, now = Date.now()): Promise<Buffer | undefined> {
  const row = await db.get<{ image: Uint8Array | null; fetched: number }>(
    'SELECT image, fetched FROM link_previews WHERE url_hash = ? AND failed = 0',
    [hash],
  )
  if (!row?.image || now - Number(row.fetched) > FRESH_MS) return undefined
  return Buffer.from(row.image)
}

export async function putPreview(db: Db, r: PreviewRow): Promise<void> {
  await db.run(
    `INSERT INTO link_previews (url_hash, url, title, description, site, image, fetched, failed, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (url_hash) DO UPDATE SET url = excluded.url, title = excluded.title, description = excluded.description,
        site = excluded.site, image = excluded.image, fetched = excluded.fetched, failed = excluded.failed, error = excluded.error`,
    [r.url_hash, r.url, r.title, r.description, r.site, r.image, r.fetched, r.failed, r.error],
  )
  // now and then, the rows nobody asked for since they went stale go (the table does not grow for good)
  if (Math.random() < 0.02) await db.run('DELETE FROM link_previews WHERE fetched < ?', [r.fetched - FRESH_MS])
}
