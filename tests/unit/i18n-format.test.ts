import { describe, expect, it } from 'vitest'
import {
  daysAgo,
  formatBytes,
  formatChatTime,
  formatList,
  formatNumber,
  formatRelative,
  formatTime,
  sortByName,
} from '../../web/i18n/format.ts'

// local times, so that "yesterday" is a calendar day whatever the machine's time zone
const now = new Date(2026, 10, 24, 15, 30).getTime()
const at = (d: number, h: number, m = 0) => new Date(2026, 10, d, h, m).getTime()

describe('formatters follow the locale', () => {
  it('says "yesterday" in each language', () => {
    expect(formatChatTime(at(23, 9), 'en', now)).toBe('yesterday')
    expect(formatChatTime(at(23, 9), 'ko', now)).toBe('어제')
    expect(formatChatTime(at(23, 9), 'ja', now)).toBe('昨日')
    expect(formatChatTime(at(23, 9), 'de', now)).toBe('gestern')
    expect(formatChatTime(at(23, 23, 59), 'fr', now)).toBe('hier')
    expect(formatRelative(-1, 'day', 'zh-Hant')).toBe('昨天')
    expect(daysAgo(at(24, 0, 1), now)).toBe(0)
  })
  it('shows the time of day today with the locale clock', () => {
    expect(formatChatTime(at(24, 14, 5), 'de', now)).toBe('14:05')
    expect(formatTime(at(24, 14, 5), 'en')).toMatch(/^2:05\sPM$/)
    // Korean uses a 12-hour clock (the day-period word comes from the ICU in use)
    expect(formatTime(at(24, 14, 5), 'ko')).toMatch(/^(오후|PM)\s?2:05$/)
    expect(formatTime(at(24, 14, 5), 'zh-Hant')).toBe('下午2:05')
    // a 24-hour clock writes the hour with two digits where the locale does (a German "2:05" reads as odd)
    expect(formatTime(at(24, 2, 5), 'de')).toBe('02:05')
    expect(formatTime(at(24, 2, 5), 'fr')).toBe('02:05')
  })
  it('shows a date, not a weekday, for older messages', () => {
    expect(formatChatTime(at(2, 9), 'ja', now)).toBe('11月2日')
    expect(formatChatTime(at(2, 9), 'de', now)).toBe('2. Nov.')
  })
  it('formats numbers and lists in the locale grammar', () => {
    expect(formatNumber(1234567.5, 'de')).toBe('1.234.567,5')
    expect(formatNumber(1234567.5, 'fr')).toMatch(/^1\s234\s567,5$/)
    expect(formatList(['Mina', 'Jun', 'Sora'], 'en')).toBe('Mina, Jun, and Sora')
    expect(formatList(['Mina', 'Jun', 'Sora'], 'es')).toBe('Mina, Jun y Sora')
    expect(formatList(['민아', '준', '소라'], 'ko')).toBe('민아, 준 및 소라')
  })
  it('sorts names with the locale collation', () => {
    const names = (xs: string[], l: string) =>
      sortByName(
        xs.map((name) => ({ name })),
        l,
      ).map((x) => x.name)
    expect(names(['Zoe', 'Äpfel', 'Apfel', 'anna'], 'de')).toEqual(['anna', 'Apfel', 'Äpfel', 'Zoe'])
    expect(names(['하늘', '가람', '나래'], 'ko')).toEqual(['가람', '나래', '하늘'])
    expect(names(['item10', 'item9'], 'en')).toEqual(['item9', 'item10'])
    // Turkish: ç after c, ı before i
    expect(names(['çiçek', 'ılık', 'cam', 'ince'], 'tr')).toEqual(['cam', 'çiçek', 'ılık', 'ince'])
  })
})

describe('formatBytes', () => {
  it("says a bare byte count in words, and larger sizes short, in the reader's language", () => {
    expect(formatBytes(15, 'en')).toBe('15 bytes')
    expect(formatBytes(15, 'ko')).toBe('15바이트')
    // French and German put a no-break space between number and unit (which one depends on the ICU version)
    expect(formatBytes(15, 'fr').replace(/\s/g, ' ')).toBe('15 octets')
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB')
    expect(formatBytes(2_000_000_000, 'de').replace(/\s/g, ' ')).toBe('2 GB')
    // ICU says "0 byte" in Traditional Chinese: the word is ours
    expect(formatBytes(0, 'zh-Hant')).toBe('0 位元組')
    expect(formatBytes(2_000, 'zh-Hant')).not.toContain('byte')
  })
})
