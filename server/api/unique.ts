// Recognizing a unique-constraint violation from either database driver.

export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  // Postgres: 23505 unique_violation; better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/**
 * Runs `open` (find a row, else create it); when it lost a race to create the same row (someone else's
 * transaction made it first: a unique violation), runs it once more, which then finds that row.
 */
export async function openOnce<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (e) {
    if (!isUniqueViolation(e)) throw e
    return open()
  }
}
