// How user text is neutralised for display: the bidi embedding, override and isolate controls go, the
// marks that only nudge neutral characters and every other character stay.
import { expect, test } from 'vitest'
import { isolate, MENTION_RE, mentioned, neutral } from '../../web/components/UserText.tsx'
import { mentionPattern } from '../../protocol/messages.ts'

test('neutral drops LRE RLE PDF LRO RLO and LRI RLI FSI PDI, and nothing else', () => {
  const controls = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069'
  expect(neutral(`invoice_\u202Efdp.exe`)).toBe('invoice_fdp.exe')
  expect(neutral(`a${controls}b`)).toBe('ab')
  // LRM, RLM, ALM, zero-width joiners, Hebrew, Arabic, Hangul, emoji with ZWJ: untouched
  const kept = 'שלום\u200E abc \u200Fمرحبا\u061C 안녕 👩\u200D💻 Z\u0301\u0300'
  expect(neutral(kept)).toBe(kept)
})

test('isolate wraps the neutralised text in FSI … PDI', () => {
  expect(isolate('Dee')).toBe('\u2068Dee\u2069')
  // a PDI inside cannot close the isolate early
  expect(isolate('x\u2069\u202Ey')).toBe('\u2068xy\u2069')
})

test("a message's mentions are marked where the server's mention pattern finds them, and only there", () => {
  const handles = ['ivy.m', 'ivy.mx', 'abc.', '.dot', 'a..b', 'mp_cho', 'x_1']
  const texts = [
    'Are you coming, @ivy.m?',
    'Write to ivy.m@mail.example or @ivy.mx',
    '@ivy.m. Then @abc. and @.dot',
    '@a..b,@mp_cho;@x_1_',
    '@@ivy.m (@IVY.M) @ivy.m.x',
  ]
  for (const text of texts)
    for (const h of handles) {
      const marked = [...text.matchAll(MENTION_RE)].some((m) => mentioned(m[2]!, (x) => x === h) === h)
      expect([text, h, marked]).toEqual([text, h, mentionPattern(h).test(text)])
    }
})
