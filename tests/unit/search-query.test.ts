import { describe, expect, it } from 'vitest'
import { searchMessages, highlight, type SearchRow } from '../../web/search/query.ts'
import { MemoryIndex } from '../../web/search/memory-index.ts'
import { tokenize } from '../../web/search/tokenize.ts'

let n = 0
const row = (conv: string, body: string, lang: string, extra: Partial<SearchRow> = {}): SearchRow => ({
  id: `msg_${String(++n).padStart(6, '0')}`,
  conv,
  page: 0,
  index: n,
  from: 'u1',
  ts: 1_700_000_000_000 + n * 1000,
  body,
  retracted: false,
  tokens: tokenize(body, lang),
  ...extra,
})
const marked = (parts: { text: string; hit: boolean }[]) => parts.filter((p) => p.hit).map((p) => p.text)

describe('searchMessages', () => {
  const rows = [
    row('thai', 'พรุ่งนี้ฉันจะไปตลาดกับแม่นะ', 'th'),
    row('japan', '昨日は東京で美味しい寿司を食べました', 'ja'),
    row('china', '我今天去北京出差了', 'zh-Hans'),
    row('paris', 'On se voit au Café de Flore ?', 'fr'),
    row('paris', 'Le café était fermé hier', 'fr'),
    row('paris', 'café retracted', 'fr', { retracted: true }),
    row('turkey', 'yarın istanbul’a gidiyorum', 'tr'),
  ]
  const index = new MemoryIndex(rows)

  it('finds words inside Thai, Japanese and Chinese sentences and marks them', async () => {
    for (const [q, conv, lang] of [
      ['ตลาด', 'thai', 'th'],
      ['寿司', 'japan', 'ja'],
      ['北京', 'china', 'zh-Hans'],
    ]) {
      const r = await searchMessages(index, q, lang)
      expect(r.groups.map((g) => g.conv)).toEqual([conv])
      expect(marked(highlight(r.groups[0].hits[0].body, r.words, lang))).toEqual([q])
    }
  })

  it('groups hits by chat, newest first, and leaves retracted messages out', async () => {
    const r = await searchMessages(index, 'cafe', 'en')
    expect(r.groups).toHaveLength(1)
    expect(r.groups[0].conv).toBe('paris')
    expect(r.groups[0].hits.map((h) => h.body)).toEqual(['Le café était fermé hier', 'On se voit au Café de Flore ?'])
    expect(marked(highlight(r.groups[0].hits[1].body, r.words, 'en'))).toEqual(['Café'])
  })

  it("Turkish: 'İSTANBUL' finds and marks 'istanbul' when Turkish is active", async () => {
    const r = await searchMessages(index, 'İSTANBUL', 'tr')
    expect(r.groups.map((g) => g.conv)).toEqual(['turkey'])
    expect(marked(highlight(r.groups[0].hits[0].body, r.words, 'tr'))).toEqual(['istanbul'])
  })

  it('needs every word to match', async () => {
    expect((await searchMessages(index, 'café flore', 'fr')).total).toBe(1)
    expect((await searchMessages(index, 'café tokyo', 'fr')).total).toBe(0)
    expect((await searchMessages(index, '   ', 'fr')).total).toBe(0)
  })

  it('the highlighted parts put the body back together unchanged', () => {
    const body = 'Frau Müller, ｶﾀｶﾅ und 東京 — İstanbul!'
    const parts = highlight(body, ['muller', 'カタカナ', 'istanbul'], 'de')
    expect(parts.map((p) => p.text).join('')).toBe(body)
    expect(marked(parts)).toEqual(['Müller', 'ｶﾀｶﾅ', 'İstanbul'])
  })

  it('does not mark Latin words that merely contain the query', () => {
    expect(marked(highlight('the overseer will see', ['see'], 'en'))).toEqual(['see'])
  })
})
