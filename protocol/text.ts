// What text others will read may hold, wherever it is written (cards, posts, coupons, names): the same
// rules for every field, so that what one check refuses another does not let through.

/**
 * Characters no one-line field may hold: C0/C1 controls, the line and paragraph separators, bidi
 * embeddings, overrides and isolates (they let a text reorder what is around it, "gnp.exe"), and half of a
 * character (a lone surrogate, stored as U+FFFD).
 */
const LINE_UNSAFE = /[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u
/** The same, for a field that may span lines: a line break (and a tab) is allowed there. */
const TEXT_UNSAFE = /(?![\t\n\r])[\p{Cc}\p{Cs}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u
/**
 * Spaces, format characters (zero-width ones among them), what Unicode lets a font draw as nothing
 * (variation selectors, the grapheme joiner...), marks with no letter to go on, and the fillers.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Zs}\p{Default_Ignorable_Code_Point}\p{M}\u115F\u1160\u3164\uFFA0\u2800]*$/u
/** In a URL: no whitespace, control or format character (a bidi override or a zero-width space in a link). */
const URL_UNSAFE = /[\s\p{Cc}\p{Cf}\p{Cs}]/u

/** Whether a text shows anything: one of zero-width spaces or Hangul fillers would read as nothing. */
export const showsSomething = (s: string): boolean => !INVISIBLE.test(s)

/** A one-line text without control, separator or direction characters. */
export const isSafeLine = (s: string): boolean => !LINE_UNSAFE.test(s)

/** A text of one or more lines (\n, \r\n, tabs) without any other control, separator or direction character. */
export const isSafeText = (s: string): boolean => !TEXT_UNSAFE.test(s)

/** A URL as typed, without spaces, controls or invisible formatting. */
export const isSafeUrl = (s: string): boolean => !URL_UNSAFE.test(s)
