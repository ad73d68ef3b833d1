import { describe, expect, it } from 'vitest'
import { pickLocale } from '../../web/i18n/detect.ts'

// navigator.languages → the language the first visit shows
const table: [readonly string[], string][] = [
  [['zh-TW'], 'zh-Hant'],
  [['zh-HK'], 'zh-Hant'],
  [['zh-MO'], 'zh-Hant'],
  [['zh-Hant'], 'zh-Hant'],
  [['zh'], 'zh-Hans'],
  [['zh-CN'], 'zh-Hans'],
  [['zh-SG'], 'zh-Hans'],
  [['zh-Hans-HK'], 'zh-Hans'],
  [['pt-BR'], 'pt'],
  [['pt-PT'], 'pt'],
  [['de-AT'], 'de'],
  [['de-CH', 'en'], 'de'],
  [['ko-KR'], 'ko'],
  [['ja'], 'ja'],
  [['th-TH'], 'th'],
  [['tr-TR'], 'tr'],
  [['es-419'], 'es'],
  [['fr-CA'], 'fr'],
  [['it-CH'], 'it'],
  [['en-GB'], 'en'],
  [['xx'], 'en'],
  [['xx', 'fr-CA'], 'fr'],
  [['nl-NL', 'ru', 'it'], 'it'],
  [['not a tag!', 'ja-JP'], 'ja'],
  [[], 'en'],
]

describe('pickLocale', () => {
  it.each(table)('%j → %s', (langs, want) => {
    expect(pickLocale(langs)).toBe(want)
  })
})
