// The checks protocol/channels.ts gives both the server and clients: follower rounding (never exact,
// nothing under 20), which links a button may open, and the search form of handles and names.
import { describe, expect, it } from 'vitest'
import { checkPost, isHttpUrl, parseChannelDoc, roundFollowers, searchForm } from '../../protocol/channels.ts'

describe('channel grammar', () => {
  it('rounds follower counts down to two significant digits in steps of ten, nothing under 20', () => {
    const cases: Array<[number, number | null]> = [
      [0, null],
      [1, null],
      [19, null],
      [20, 20],
      [29, 20],
      [99, 90],
      [100, 100],
      [109, 100],
      [110, 110],
      [1_234, 1_200],
      [56_789, 56_000],
      [1_000_001, 1_000_000],
    ]
    for (const [n, shown] of cases) expect(roundFollowers(n), String(n)).toBe(shown)
  })

  it('lets buttons open http(s) pages only', () => {
    for (const ok of [
      'https://example.com',
      'http://example.com/a?b=c#d',
      'https://shop.example.co.kr:8443/x',
      'https://예시.한국/쿠폰',
    ])
      expect(isHttpUrl(ok), ok).toBe(true)
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript://example.com/%0aalert(1)',
      'data:text/html,<b>',
      'ftp://example.com',
      '//example.com',
      'https://',
      'https://user:pw@example.com',
      'https://example.com/a b',
      'https://example.com/\n',
      'https://example.com/\u202Egnp.exe',
      'https://example.com/\u200B',
      ' https://example.com',
      `https://example.com/${'a'.repeat(2_000)}`,
    ])
      expect(isHttpUrl(bad), bad).toBe(false)
  })

  it('takes posts whose words show as written, and refuses text that disguises itself or shows nothing', () => {
    const post = (extra: object) => ({ id: 'post12345', from: 'u1', ts: 1, kind: 'text', text: 'Sale today', ...extra })
    expect(checkPost(post({}), 'u1')).toBeNull()
    expect(checkPost(post({ text: 'Sale today\n10% off\tall day' }), 'u1')).toBeNull()
    const button = (label: string, url = 'https://shop.example/sale') => post({ buttons: [{ label, url }] })
    for (const [what, p] of [
      ['a text of a zero-width space', post({ text: '\u200B' })],
      ['a text of Hangul fillers', post({ text: '\u3164\u3164' })],
      ['a text with a NUL', post({ text: 'Sale\u0000' })],
      ['a text turned around', post({ text: 'Sale \u202Eyadot' })],
      ['a button label of a zero-width space', button('\u200B')],
      ['a button label turned around', button('\u202EBuy')],
      ['a button link turned around', button('Buy', 'https://shop.example/\u202Egnp.exe')],
    ] as const)
      expect(checkPost(p, 'u1'), what).toMatch(/./)
  })

  it('puts handles and names in one form for search', () => {
    expect(searchForm('ＳＭ ＴＯＷＮ')).toBe('sm town')
    expect(searchForm('ﾏｶﾞｼﾞﾝ')).toBe('マガジン')
    expect(searchForm('스타')).toBe('스타')
  })

  it('names channel documents', () => {
    expect(parseChannelDoc('ch:abcdefghijkl')).toEqual({ kind: 'channelHead', channelId: 'abcdefghijkl' })
    expect(parseChannelDoc('ch:abcdefghijkl:3')).toEqual({ kind: 'channelPage', channelId: 'abcdefghijkl', page: 3 })
    for (const bad of [
      'ch:abcdefghijkl:03',
      'ch:ABCDEFGHIJKL',
      'c:abcdefghijkl',
      'ch:abcdefghijkl:1:2',
      'ch:abcdefghijkl:1234567',
    ])
      expect(parseChannelDoc(bad), bad).toBeNull()
  })
})
