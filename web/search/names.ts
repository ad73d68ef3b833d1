// Friends and chats whose name holds what the user typed: found at once, offline, from the lists this device
// already has, and shown above the messages that hold it.
import { fold } from './tokenize.ts'

/** a section shows this many at most */
export const MAX_NAME_HITS = 20

/**
 * The items any of whose names contains `query` (folded as message search folds words: case, width,
 * accents), in their order, at most MAX_NAME_HITS.
 */
export function byName<T>(items: readonly T[], names: (x: T) => readonly string[], query: string, lang: string): T[] {
  // an ID is shown as @handle, and may be typed so
  const q = fold(query.trim().replace(/^@/, ''), lang)
  if (!q) return []
  const out: T[] = []
  for (const x of items) {
    if (names(x).some((n) => fold(n, lang).includes(q))) out.push(x)
    if (out.length === MAX_NAME_HITS) break
  }
  return out
}
