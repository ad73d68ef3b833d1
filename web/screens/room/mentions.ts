// Typing "@" in a group offers its members (KakaoTalk's mention list): the "@…" being typed before the
// caret, the members it could name, and the text once one is picked. What counts as a mention is the
// server's pattern (protocol/messages.ts mentionPattern): "@" at the start or after a character that
// cannot end a handle or an e-mail address.
import type { Profile } from '../../../protocol/api.ts'

/** Most members offered at once (the list scrolls; more letters narrow it down). */
export const MENTION_LIST_MAX = 50

/** The "@…" being typed: from `start` (the "@") to `end` (the caret); `query` is what follows the "@". */
export interface MentionAt {
  start: number
  end: number
  query: string
}

/** The "@" being typed before `caret`: where it starts and what follows it so far, or null. */
export function mentionAt(text: string, caret: number): MentionAt | null {
  // a name may be typed as well as a handle ("@민" for 김민수's friends who know no handle): any word
  const m = /(^|[^A-Za-z0-9._@])@([^\s@]{0,40})$/u.exec(text.slice(0, caret))
  return m ? { start: caret - m[2].length - 1, end: caret, query: m[2] } : null
}

/**
 * The members `query` could name: handles that start with it first, then names that hold it (a Korean
 * name from any syllable: "민" finds 김민수), each in the order of their names; accounts gone have no
 * handle to mention.
 */
export function mentionMatches(members: readonly Profile[], query: string): Profile[] {
  const q = query.toLowerCase()
  const byHandle = members.filter((p) => p.handle && p.handle.startsWith(q))
  const byName = members.filter((p) => p.handle && !byHandle.includes(p) && q !== '' && p.name.toLowerCase().includes(q))
  const byNameOrder = (a: Profile, b: Profile) => a.name.localeCompare(b.name)
  return [...byHandle.sort(byNameOrder), ...byName.sort(byNameOrder)].slice(0, MENTION_LIST_MAX)
}

/** `text` with the "@…" at `at` (and the rest of its word) replaced by `@handle ` and where the caret goes after it. */
export function withMention(text: string, at: MentionAt, handle: string): { text: string; caret: number } {
  const before = text.slice(0, at.start) + '@' + handle + ' '
  // the rest of a handle the caret was inside goes too ("@mi|na" picked as mina.k is not "@mina.k na")
  const after = text
    .slice(at.end)
    .replace(/^[A-Za-z0-9._]*/, '')
    .replace(/^ /, '')
  return { text: before + after, caret: before.length }
}
