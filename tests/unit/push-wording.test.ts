// A group message's push is worded once per language and reused for every member: each member still gets
// their own language, the chat as it is now, and their own count; the VAPID header is signed once per push
// service, for the audience a URL names.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import webpush from 'web-push'
import { renderPayload, type ChatFacts, type Latest } from '../../server/push/render.ts'
import { VapidSigner } from '../../server/push/vapid.ts'

const push = (lang: string) => (JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8')) as { push: Record<string, string> }).push
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => vars[k])

describe('push wording', () => {
  const latest: Latest = {
    msg: { id: 'm1', body: 'Lunch at noon?', kind: 'text' },
    last: { preview: 'Lunch at noon?', from: 'u1', ts: 1 },
  }
  const group: ChatFacts = { id: 'abcdefghijkl', kind: 'group', title: 'Hiking', members: 5, sender: 'Mina' }
  const render = (lang: string, chat: ChatFacts, count = 1) =>
    renderPayload({ lang, previews: true, chat, latest, count, badge: count, mention: false })

  it('one message, many members: each language and each chat state gets its own words', () => {
    const ko = render('ko', group, 2)
    const de = render('de', group, 7)
    const koAgain = render('ko', group, 3)
    expect(ko.title).toBe(fill(push('ko').inGroup, { name: 'Mina', chat: 'Hiking' }))
    expect(de.title).toBe(fill(push('de').inGroup, { name: 'Mina', chat: 'Hiking' }))
    expect(de.title).not.toBe(ko.title)
    expect(koAgain).toEqual({ ...ko, count: 3, badge: 3 })
    expect([ko.body, de.body]).toEqual(['Lunch at noon?', 'Lunch at noon?'])
    // renamed while its pushes go out: the later ones say the new name
    expect(render('ko', { ...group, title: 'Climbing' }).title).toBe(fill(push('ko').inGroup, { name: 'Mina', chat: 'Climbing' }))
    // an admin answering as a channel is told which channel, the others are not
    const admin = render('en', { ...group, kind: 'channel', via: 'Cafe Sori' })
    expect(admin.title).toBe(fill(push('en').inGroup, { name: 'Mina', chat: 'Cafe Sori' }))
    expect(render('en', group).title).toBe(fill(push('en').inGroup, { name: 'Mina', chat: 'Hiking' }))
  })

  it('signs one VAPID header per push service, for the origin as a URL spells it', () => {
    const keys = webpush.generateVAPIDKeys()
    const signer = new VapidSigner({ ...keys, subject: 'mailto:ops@example.com' })
    const audience = (header: string) => {
      const jwt = /^vapid t=([^,]+),/.exec(header)![1]
      return (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { aud: string }).aud
    }
    const a = signer.header('https://push.example.com/send/a')
    expect(signer.header('https://push.example.com/send/b')).toBe(a)
    expect(audience(a)).toBe('https://push.example.com')
    expect(audience(signer.header('https://PUSH.Example.com:443/send/c'))).toBe('https://push.example.com')
    expect(audience(signer.header('https://push.example.com:8443/send/d'))).toBe('https://push.example.com:8443')
    expect(audience(signer.header('https://other.example.net/x'))).toBe('https://other.example.net')
  })
})
