// A media folder belongs to one database. The collector deletes stored content and partial uploads that its
// own database does not name (collector.ts): two servers with two databases in one folder (two SQLite files
// side by side, whose default folder is the same `blobs`) would each delete the other's photos. The folder
// keeps the token of the database that first used it, and a server of another database refuses to start.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Db } from '../db/db.ts'

/** the file in a media folder that names its database */
export const OWNER_FILE = 'DATABASE'

/** This database's token, made by the first server to ask. */
async function databaseToken(db: Db): Promise<string> {
  await db.run('INSERT INTO instance (id, token, created) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING', [
    randomBytes(16).toString('hex'),
    Date.now(),
  ])
  const row = await db.get<{ token: string }>('SELECT token FROM instance WHERE id = 1')
  if (!row) throw new Error('the database has no instance token')
  return row.token
}

/** Claims `dir` for `db`; throws when another database's media are there. */
export async function claimMediaFolder(db: Db, dir: string): Promise<void> {
  const token = await databaseToken(db)
  const file = join(dir, OWNER_FILE)
  const found = await readFile(file, 'utf8').then(
    (s) => s.trim(),
    () => null,
  )
  if (found === token) return
  if (found !== null)
    throw new Error(
      `The media folder ${dir} belongs to another database (its ${OWNER_FILE} file says ${found}): this server would ` +
        'delete that database’s photos and files. Give it a folder of its own with SORI_BLOB_DIR, or point DATABASE_URL ' +
        'at the database the folder belongs to.',
    )
  await mkdir(dir, { recursive: true })
  // `wx`: of two servers claiming a new folder at once, one writes it and the other reads it on its next start
  await writeFile(file, `${token}\n`, { flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e
    return claimMediaFolder(db, dir)
  })
}
