// Text that people wrote (message bodies, names, chat titles, previews), rendered so that it cannot
// reorder what is around it nor disguise itself: each string is a bidi isolate of its own, and the
// embedding, override and isolate controls in it are dropped. Without that, `invoice_<RLO>fdp.exe`
// reads "invoice_exe.pdf", and an override left open in one string reverses what follows it. Only the
// rendering changes: stored, copied and quoted text stays exactly as it was sent. Message bodies may
// carry links: only http(s) addresses become one, found in the neutralised text.
import type { ComponentChildren } from 'preact'

// U+202A–U+202E (LRE RLE PDF LRO RLO) and U+2066–U+2069 (LRI RLI FSI PDI); the marks U+200E/U+200F
// and U+061C stay: they only nudge neutral characters and cannot reverse a run
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

/** The text without bidi embedding, override and isolate controls (also for aria-labels and titles). */
export const neutral = (s: string): string => s.replace(BIDI_CONTROLS, '')

/**
 * For user text shown inside a translated sentence ("Reply to {{name}}", "{{names}} is typing…"):
 * neutralised and wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, the plain-text <bdi>.
 */
export const isolate = (s: string): string => `\u2068${neutral(s)}\u2069`

// an http(s) address, or one that starts "www." as people write them (opened as https), up to
// whitespace or a character that cannot stand unescaped in one; any other scheme (javascript:, data:,
// file:, intent:) never becomes a link, nor does the host of an e-mail address
const WEB_ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+|(?<![@\w.\-/])www\.[^\s<>"'`]+/gi
// punctuation that closes the sentence around an address more often than it belongs to it
const TRAILING = /[.,:;!?)\]}»”’]+$/

/** The text in runs, each either plain text or an http(s) address to link to. */
export function linkRuns(text: string): { text: string; href?: string }[] {
  const runs: { text: string; href?: string }[] = []
  let at = 0
  for (const m of text.matchAll(WEB_ADDRESS)) {
    const found = m[0].replace(TRAILING, '')
    let href: string | null = null
    try {
      const url = new URL(/^www\./i.test(found) ? `https://${found}` : found)
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) href = url.href
    } catch {
      // not an address after all: stays text
    }
    if (!href) continue
    if (m.index > at) runs.push({ text: text.slice(at, m.index) })
    runs.push({ text: found, href })
    at = m.index + found.length
  }
  if (at < text.length) runs.push({ text: text.slice(at) })
  return runs
}

/** `@` and the handle characters after it, not inside a longer handle nor an e-mail address. */
export const MENTION_RE = /(^|[^A-Za-z0-9._@])@([A-Za-z0-9._]+)/g

/**
 * The handle `@run` mentions, as protocol/messages.ts's mentionPattern finds one: the whole run, or the
 * run without dots that end it (a sentence's full stop), whichever is a handle to mark.
 */
export function mentioned(run: string, known: (h: string) => boolean): string | null {
  for (let h = run.toLowerCase(); h; h = h.slice(0, -1)) {
    if (known(h)) return h
    if (!h.endsWith('.')) return null
  }
  return null
}

/**
 * A plain run with its mentions marked, as the server finds them (protocol/messages.ts): `@mine` as a
 * mention of me, the handles in `others` (the chat's members) as mentions of them.
 */
function marked(text: string, mine: string | undefined, others: ReadonlySet<string> | undefined): ComponentChildren {
  if ((!mine && !others?.size) || !text.includes('@')) return text
  const me = mine?.toLowerCase()
  const out: ComponentChildren[] = []
  let at = 0
  for (const m of text.matchAll(MENTION_RE)) {
    const handle = mentioned(m[2]!, (h) => h === me || !!others?.has(h))
    if (!handle) continue
    const own = handle === me
    const start = m.index + m[1]!.length
    const end = start + 1 + handle.length
    if (start > at) out.push(text.slice(at, start))
    out.push(<mark class={own ? 'mention' : 'mention mention--other'}>{text.slice(start, end)}</mark>)
    at = end
  }
  if (at === 0) return text
  if (at < text.length) out.push(text.slice(at))
  return out
}

/**
 * One user-provided string as an isolated run (a <bdi>, which is `unicode-bidi: isolate`). With `links`,
 * its http(s) addresses open in a new tab that cannot reach back to this one, `mention` (my handle) is
 * marked where it names me, as the notification that mention brings does, and `mentions` where they
 * name another member.
 */
export function UserText({
  text,
  class: cls,
  links,
  mention,
  mentions,
}: {
  text: string
  class?: string
  links?: boolean
  mention?: string
  /** the other handles to mark where they are mentioned (lower case): the chat's members */
  mentions?: ReadonlySet<string>
}) {
  const shown = neutral(text)
  if (!links) return <bdi class={cls}>{shown}</bdi>
  return (
    <bdi class={cls}>
      {linkRuns(shown).map((r) =>
        r.href ? (
          <a class="user-link" href={r.href} target="_blank" rel="noopener noreferrer">
            {r.text}
          </a>
        ) : (
          marked(r.text, mention, mentions)
        ),
      )}
    </bdi>
  )
}
