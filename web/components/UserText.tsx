// Text that people wrote (message bodies, names, chat titles, previews), rendered so that it cannot
// reorder what is around it nor disguise itself: each string is a bidi isolate of its own, and the
// embedding, override and isolate controls in it are dropped. Without that, `invoice_<RLO>fdp.exe`
// reads "invoice_exe.pdf", and an override left open in one string reverses what follows it. Only the
// rendering changes: stored, copied and quoted text stays exactly as it was sent.

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

/** One user-provided string as an isolated run (a <bdi>, which is `unicode-bidi: isolate`). */
export function UserText({ text, class: cls }: { text: string; class?: string }) {
  return <bdi class={cls}>{neutral(text)}</bdi>
}
