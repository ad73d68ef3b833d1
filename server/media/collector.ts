// Freeing media no one needs: stale uploads and their partial files, blobs no message or channel post
// names (never sent, or retracted) once they are older than a grace period, and stored content that no
// blob row, no user's profile photo, no group's or channel's photo and no app's icon names any more (the content of a
// released blob, or of a replaced photo, goes with the next sweep unless something else names the same bytes).
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Queryable } from '../db/db.ts'
import { logger } from '../log.ts'
import { forgetPhotoPuts } from './profile-photo.ts'
import { UPLOAD_TTL_MS, dropUpload, type Media } from './uploads.ts'

const log = logger('media')

/** Content stored this recently is spared: an upload finishing now may be about to name it. */
export const SWEEP_GRACE_MS = 10 * 60_000
export const COLLECT_EVERY_MS = 10 * 60_000
/**
 * A blob no message names is kept this long after its upload: the time a client has to send the message
 * (written offline, say, or waiting for its other uploads).
 */
export const UNREFERENCED_GRACE_MS = 24 * 3_600_000

/** Deletes a blob's row (and what names it); its content is freed by the next sweep unless another blob has the same bytes. */
export async function releaseBlob(q: Queryable, id: string): Promise<boolean> {
  await q.run('DELETE FROM blob_refs WHERE blob_id = ?', [id])
  return (await q.run('DELETE FROM blobs WHERE id = ?', [id])).changes > 0
}

/** Blobs looked at per query of releaseUnreferenced. */
const RELEASE_CHUNK = 500

/**
 * Releases the blobs uploaded at least `graceMs` ago that no message names. Returns how many. A message
 * naming one that commits meanwhile keeps it: each row goes only if, at its delete, nothing names it.
 */
export async function releaseUnreferenced(m: Media, now = Date.now(), graceMs = UNREFERENCED_GRACE_MS): Promise<number> {
  const unnamed = 'NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_id = blobs.id)'
  let released = 0
  let after = ''
  for (;;) {
    const rows = await m.db.all<{ id: string }>(
      `SELECT id FROM blobs WHERE created <= ? AND id > ? AND ${unnamed} ORDER BY id LIMIT ${RELEASE_CHUNK}`,
      [now - graceMs, after],
    )
    for (const { id } of rows) {
      if ((await m.db.run(`DELETE FROM blobs WHERE id = ? AND ${unnamed}`, [id])).changes > 0) released++
    }
    m.facts.forget(rows.map((r) => r.id))
    if (rows.length < RELEASE_CHUNK) return released
    after = rows[rows.length - 1].id
  }
}

/** Drops uploads that received nothing for UPLOAD_TTL_MS and are not being written. */
export async function expireUploads(m: Media, now = Date.now(), ttl = UPLOAD_TTL_MS): Promise<number> {
  const stale = await m.db.all<{ id: string; temp: string }>(
    'SELECT id, temp FROM uploads WHERE updated < ? AND busy_until < ?',
    [now - ttl, now],
  )
  for (const u of stale) await dropUpload(m.db, u)
  return stale.length
}

/**
 * Deletes stored content (older than `graceMs`) that no blob row references and that is no profile or
 * group photo, and what puts cut off by a crash left behind; how many.
 */
export async function sweepContent(m: Media, now = Date.now(), graceMs = SWEEP_GRACE_MS): Promise<number> {
  const before = now - graceMs
  let freed = await m.store.dropAbandoned(before)
  for await (const hash of m.store.list(before)) {
    if (await m.db.get('SELECT 1 AS x FROM blobs WHERE hash = ? LIMIT 1', [hash])) continue
    if (await m.db.get('SELECT 1 AS x FROM users WHERE photo = ? LIMIT 1', [hash])) continue
    if (await m.db.get('SELECT 1 AS x FROM convs WHERE photo = ? LIMIT 1', [hash])) continue
    if (await m.db.get('SELECT 1 AS x FROM channels WHERE photo = ? LIMIT 1', [hash])) continue
    if (await m.db.get('SELECT 1 AS x FROM apps WHERE icon = ? LIMIT 1', [hash])) continue
    // stored again since it was listed: an upload is about to name it
    await m.store.delete(hash, before)
    freed++
  }
  return freed
}

/** Partial files of this node that no upload row names (the row was dropped on another node). */
export async function sweepPartials(m: Media, now = Date.now(), graceMs = SWEEP_GRACE_MS): Promise<number> {
  let names: string[]
  try {
    names = await readdir(m.uploadDir)
  } catch {
    return 0
  }
  let freed = 0
  for (const name of names) {
    const path = join(m.uploadDir, name)
    const st = await stat(path).catch(() => null)
    if (!st || st.mtimeMs >= now - graceMs) continue
    const id = name.replace(/\.out$/, '')
    if (await m.db.get('SELECT 1 AS x FROM uploads WHERE id = ?', [id])) continue
    await rm(path, { force: true })
    freed++
  }
  return freed
}

/** An account's uploads in progress, for account deletion: rows and partial files. Never throws. */
export async function deleteUploadsOf(db: Queryable, userId: string): Promise<void> {
  try {
    for (const u of await db.all<{ id: string; temp: string }>('SELECT id, temp FROM uploads WHERE uploader = ?', [userId]))
      await dropUpload(db, u)
  } catch (e) {
    log.error('deleting the uploads of a deleted account failed', e, { user: userId })
  }
}

/** Runs all of the above every COLLECT_EVERY_MS; returns a function that stops it and waits for a run in progress. */
export function startCollector(m: Media, every = COLLECT_EVERY_MS): () => Promise<void> {
  let running: Promise<void> | null = null
  const run = () => {
    if (running) return
    running = (async () => {
      try {
        await expireUploads(m)
        await forgetPhotoPuts(m.db)
        await releaseUnreferenced(m)
        await sweepPartials(m)
        await sweepContent(m)
      } catch (e) {
        log.error('media collection failed', e)
      } finally {
        running = null
      }
    })()
  }
  const timer = setInterval(run, every)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
