// Search tokens for the local message index (Dexie `messages.tokens`, a multiEntry index) and for
// queries. Words come from Intl.Segmenter, so Thai, Chinese and Japanese, which are written without
// spaces, are split into words too. The segmenter's word rules do not depend on the locale (ICU picks
// its dictionaries by script), so a message indexed under one UI language is found under another;
// only the Turkish dotted/dotless i folds differently, which is why the caller passes `lang`; the
// index stores such words both ways (see tokenize), the query is folded in the UI language.

/** Longer words are cut; the query side cuts the same way, so prefix matching still works. */
export const MAX_TOKEN_CHARS = 48

let wordSegmenter: Intl.Segmenter | null = null
const segmenter = (): Intl.Segmenter => (wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' }))

// Only the combining diacritics block (U+0300–U+036F) is stripped: that folds é, ü, ç, ñ, ã, ő, and
// the dot of a lower-cased İ. Marks in other blocks are letters or change the word: Thai vowels and
// tone marks (U+0E31, U+0E34–U+0E3A, U+0E47–U+0E4E), the Japanese (han)dakuten that NFD splits off
// が/ぱ (U+3099/U+309A), Devanagari vowel signs. Hangul is recomposed by the final NFC.
const DIACRITICS = /[\u0300-\u036f]/g

/** Folds one word for matching: case (the Turkish way for 'tr'), width, accents. */
export function fold(word: string, lang: string): string {
  // most words are plain ASCII: no accents to strip, no width to fold; only the Turkish I needs care
  if (ASCII.test(word)) return (isTurkic(lang) ? word.toLocaleLowerCase('tr') : word.toLowerCase()).slice(0, MAX_TOKEN_CHARS)
  // NFKC first: full-width Latin and half-width katakana become their ordinary forms.
  const w = word.normalize('NFKC')
  const lower = isTurkic(lang) ? w.toLocaleLowerCase('tr') : w.toLowerCase()
  return lower.normalize('NFD').replace(DIACRITICS, '').normalize('NFC').replace(/ß/g, 'ss').slice(0, MAX_TOKEN_CHARS)
}

const ASCII = /^\p{ASCII}*$/u
const TURKISH_I = /[Iıİ]/
const isTurkic = (lang: string) => /^(tr|az)(-|$)/i.test(lang)

/** The word-like segments of `text`, as written. */
function* rawWords(text: string): Generator<string> {
  for (const s of segmenter().segment(text.normalize('NFKC'))) if (s.isWordLike) yield s.segment
}

/** The folded words of `text`, in order, with repeats: what a query is made of. */
export function queryWords(text: string, lang: string): string[] {
  const out: string[] = []
  for (const w of rawWords(text)) {
    const f = fold(w, lang)
    if (f) out.push(f)
  }
  return out
}

// Scripts written without spaces. The segmenter picks words there from a dictionary and the split
// depends on the context (我去北京 → 我去|北京), so a word typed alone may be the tail of a stored
// token. Indexing every suffix of such tokens lets a prefix match find it anywhere inside.
export const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u
const MAX_SUFFIXES = 8

/**
 * The distinct tokens to store for a message body: every folded word and, for words in scripts
 * without spaces, their suffixes as well. The index answers "some token starts with q".
 */
export function tokenize(text: string, lang: string): string[] {
  const out = new Set<string>()
  for (const raw of rawWords(text)) {
    const w = fold(raw, lang)
    if (!w) continue
    out.add(w)
    // Words with I/ı/İ are stored folded both ways, so that the index does not depend on the UI
    // language at the time it was written: a Turkish query (folded the Turkish way) and any other
    // find the word without re-indexing when the user switches language.
    if (TURKISH_I.test(raw)) out.add(fold(raw, isTurkic(lang) ? 'en' : 'tr'))
    if (w.length > 1 && NO_SPACE_SCRIPT.test(w)) {
      const chars = [...w]
      for (let i = 1; i < chars.length && i <= MAX_SUFFIXES; i++) {
        // a suffix that starts with a combining mark (a Thai vowel sign) is not something anyone types
        if (!/^\p{M}/u.test(chars[i])) out.add(chars.slice(i).join(''))
      }
    }
  }
  return [...out]
}
