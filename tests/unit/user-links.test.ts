// Which parts of a message become links: http(s) addresses only, without the sentence's punctuation.
import { expect, test } from 'vitest'
import { linkRuns } from '../../web/components/UserText.tsx'

const links = (text: string) => linkRuns(text).flatMap((r) => (r.href ? [[r.text, r.href]] : []))

test('http and https addresses are links, the text around them stays text, nothing is lost', () => {
  const text = 'see https://example.com/a?b=1#c, or http://example.org/x. (http://example.net/y)'
  expect(links(text)).toEqual([
    ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
    ['http://example.org/x', 'http://example.org/x'],
    ['http://example.net/y', 'http://example.net/y'],
  ])
  expect(
    linkRuns(text)
      .map((r) => r.text)
      .join(''),
  ).toBe(text)
  expect(links('HTTPS://Example.COM')).toEqual([['HTTPS://Example.COM', 'https://example.com/']])
})

test('no other scheme becomes a link, however it is spelled', () => {
  for (const text of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://files.example.com',
    'intent://x#Intent;end',
    'xhttps://example.com',
    'https://',
    'http:// example.com',
  ])
    expect(links(text)).toEqual([])
  // an address inside another scheme's text starts where "http" starts, and is only that address
  expect(links('javascript:https://example.com')).toEqual([['https://example.com', 'https://example.com/']])
})

test('an address written from "www." is a link to its https address; an e-mail host is not', () => {
  expect(links('look at www.wikipedia.org, then WWW.Example.com/a.')).toEqual([
    ['www.wikipedia.org', 'https://www.wikipedia.org/'],
    ['WWW.Example.com/a', 'https://www.example.com/a'],
  ])
  expect(links('mail me at kim@www.example.com or see awww.example.com and a.www.example.com')).toEqual([])
  expect(links('www.')).toEqual([])
  expect(
    linkRuns('go to www.example.com now')
      .map((r) => r.text)
      .join(''),
  ).toBe('go to www.example.com now')
})
