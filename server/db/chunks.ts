// Splitting rows for multi-row statements (VALUES lists, IN lists) into chunks whose sizes are powers of
// two. Every distinct row count is a distinct SQL text, and SQLite keeps each prepared statement (our
// statement cache holds them for the life of the process): chunks of any size made as many variants per
// statement as sizes, each a compiled program, tens of MB in all (bench:memory). Powers of two
// make at most eight variants per statement, at the cost of a few more statements per batch. Postgres
// prepares nothing here (pg sends unnamed statements), and every statement is one more to parse and plan
// there, so the hot paths chunk by dialect (statementChunks).

/** Chunks of `rows` in order, each of a power-of-two length no larger than `max`. */
export function* powerOfTwoChunks<T>(rows: readonly T[], max: number): Generator<T[]> {
  let i = 0
  while (i < rows.length) {
    let size = 1
    while (size * 2 <= Math.min(max, rows.length - i)) size *= 2
    yield rows.slice(i, i + size)
    i += size
  }
}

/** Chunks for multi-row statements on `dialect`: powers of two on SQLite, as few as possible on Postgres. */
export function* statementChunks<T>(dialect: 'sqlite' | 'postgres', rows: readonly T[], max: number): Generator<T[]> {
  if (dialect === 'sqlite') {
    yield* powerOfTwoChunks(rows, max)
    return
  }
  for (let i = 0; i < rows.length; i += max) yield rows.slice(i, i + max)
}
