import { describe, expect, it } from 'vitest'
import { tokenize, queryWords } from '../../web/search/tokenize.ts'

// A query matches a message when every query word is a prefix of one of the message's tokens (the
// rule web/search/query.ts applies through the Dexie index).
const finds = (query: string, body: string, lang: string) => {
  const tokens = tokenize(body, lang)
  const words = queryWords(query, lang)
  return words.length > 0 && words.every((w) => tokens.some((t) => t.startsWith(w)))
}

describe('tokenize: languages written without spaces', () => {
  it('finds a Thai word inside a sentence', () => {
    const body = 'พรุ่งนี้ฉันจะไปตลาดกับแม่นะ'
    expect(finds('ตลาด', body, 'th')).toBe(true)
    expect(finds('แม่', body, 'en')).toBe(true)
    expect(finds('โรงเรียน', body, 'th')).toBe(false)
  })
  it('keeps Thai vowel and tone marks (they are letters, not accents)', () => {
    const tokens = tokenize('ไก่ ไข่', 'th')
    expect(tokens).toContain('ไก่')
    expect(tokens).toContain('ไข่')
    // stripping marks would make chicken (ไก่) and egg (ไข่) differ only... or merge distinct words
    expect(finds('ไก่', 'ไข่', 'th')).toBe(false)
    expect(finds('กิน', 'กัน', 'th')).toBe(false)
  })
  it('finds a Japanese word inside a sentence', () => {
    const body = '昨日は東京で美味しい寿司を食べました'
    expect(finds('寿司', body, 'ja')).toBe(true)
    expect(finds('東京', body, 'en')).toBe(true)
    expect(finds('大阪', body, 'ja')).toBe(false)
  })
  it('keeps Japanese voiced marks: が is not か', () => {
    expect(finds('か', 'がっこう', 'ja')).toBe(false)
    expect(finds('がっこう', 'がっこう', 'ja')).toBe(true)
  })
  it('finds a Chinese word inside a sentence, in simplified and traditional', () => {
    expect(finds('北京', '我今天去北京出差了', 'zh-Hans')).toBe(true)
    expect(finds('出差', '我今天去北京出差了', 'zh-Hans')).toBe(true)
    expect(finds('去', '我今天去北京出差了', 'zh-Hans')).toBe(true)
    expect(finds('臺北', '我們明天在臺北見面吧', 'zh-Hant')).toBe(true)
    expect(finds('上海', '我今天去北京出差了', 'zh-Hans')).toBe(false)
  })
  it('folds full-width Latin and half-width katakana', () => {
    expect(finds('abc', 'ＡＢＣ社の新製品', 'ja')).toBe(true)
    expect(finds('カタカナ', 'ｶﾀｶﾅで書く', 'ja')).toBe(true)
  })
  it('finds Korean words by their stem (particles attach to the word)', () => {
    expect(finds('서울', '내일 서울에서 만나요', 'ko')).toBe(true)
    expect(finds('부산', '내일 서울에서 만나요', 'ko')).toBe(false)
  })
})

describe('tokenize: case and accents', () => {
  it("Turkish: 'İSTANBUL' finds 'istanbul' when Turkish is active", () => {
    expect(finds('İSTANBUL', 'yarın istanbul’a gidiyorum', 'tr')).toBe(true)
    expect(finds('istanbul', 'İSTANBUL çok güzel', 'tr')).toBe(true)
  })
  it('Turkish: I is the capital of ı, not of i, when Turkish is active', () => {
    expect(finds('ısparta', 'ISPARTA gülleri', 'tr')).toBe(true)
    expect(finds('ISPARTA', 'ısparta gülleri', 'tr')).toBe(true)
    // a Turkish query for ISPARTA (ısparta) is not the word isparta
    expect(finds('ISPARTA', 'isparta gülleri', 'tr')).toBe(false)
    // elsewhere I is just i
    expect(finds('ISPARTA', 'isparta gülleri', 'en')).toBe(true)
  })
  it('the index does not depend on the UI language it was written in', () => {
    // indexed while English was active, searched in Turkish, and the other way round
    expect(tokenize('ISPARTA', 'en')).toEqual(expect.arrayContaining(['isparta', 'ısparta']))
    expect(tokenize('ISPARTA', 'tr')).toEqual(expect.arrayContaining(['isparta', 'ısparta']))
    expect(tokenize('İSTANBUL', 'en')).toEqual(['istanbul'])
  })
  it("elsewhere 'İ' folds to plain i as well", () => {
    expect(finds('istanbul', 'İSTANBUL', 'de')).toBe(true)
  })
  it("accents and case fold: 'cafe' finds 'Café'", () => {
    expect(finds('cafe', 'On se voit au Café de Flore ?', 'fr')).toBe(true)
    expect(finds('CAFÉ', 'un cafe', 'fr')).toBe(true)
    expect(finds('senor', 'Hola, Señor García', 'es')).toBe(true)
    expect(finds('muller', 'Frau Müller kommt', 'de')).toBe(true)
    expect(finds('strasse', 'Berliner Straße 5', 'de')).toBe(true)
    expect(finds('STRASSE', 'straße', 'de')).toBe(true)
    expect(finds('acao', 'Ação de graças', 'pt')).toBe(true)
  })
  it('drops punctuation and keeps numbers', () => {
    expect(tokenize('Hello, world!!! 2026', 'en')).toEqual(['hello', 'world', '2026'])
  })
  it('prefix of the last word matches while typing', () => {
    expect(finds('tomor', 'see you tomorrow', 'en')).toBe(true)
    expect(finds('see tomor', 'see you tomorrow', 'en')).toBe(true)
    expect(finds('see yesterday', 'see you tomorrow', 'en')).toBe(false)
  })
})
