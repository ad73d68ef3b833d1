// Splitting rows for multi-row statements (VALUES lists, IN lists) into chunks whose sizes are powers of
// two. Every distinct row count is a distinct SQL text, and SQLite keeps each prepared statement (our
// statement cache holds them for the life of the process): chunks of any size made as many variants per
// statement as sizes, each a compiled program, tens of MB in all (bench:memory). Powers of two
// make at most eight variants per statement, at the cost of a few more statements per batch. Postgres
// prepares nothing here (pg sends unnamed statements), and every statement is one more to parse and plan
// there, so the hot paths chunk by dialect (statementChunks).

// Arrays, not generators: the commit path chunks a statement or two per transaction, most often of one
// row: then the one chunk is the caller's own array.

/** Chunks of `rows` in order, each of a power-of-two length no larger than `max`. */
export function powerOfTwoChunks<T>(rows: readonly T[], max: number): (readonly T[])[] {
  const n = rows.length
  // a power of two within max (one row, most often) is its own only chunk
  if (n <= max && (n & (n - 1)) === 0) return n === 0 ? [] : [rows]
  const out: (readonly T[])[] = []
  let i = 0
  while (i < n) {
    let size = 1
    while (size * 2 <= Math.min(max, n - i)) size *= 2
    out.push(rows.slice(i, i + size))
    i += size
  }
  return out
}

/** Chunks for multi-row statements on `dialect`: powers of two on SQLite, as few as possible on Postgres. */
export function statementChunks<T>(dialect: 'sqlite' | 'postgres', rows: readonly T[], max: number): (readonly T[])[] {
  if (dialect === 'sqlite') return powerOfTwoChunks(rows, max)
  if (rows.length <= max) return rows.length === 0 ? [] : [rows]
  const out: (readonly T[])[] = []
  for (let i = 0; i < rows.length; i += max) out.push(rows.slice(i, i + max))
  return out
}
