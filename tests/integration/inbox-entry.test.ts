// What a chat list shows of a chat (the inbox entry), written by the server from the chat's messages: its
// time only moves forward, whatever the authors' clocks say, and its preview never ends in half a character.
import { describe, expect, it } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { message, stock, until, type PageScene } from '../fixtures/attacks.ts'
import { inboxDoc, type ChatMessage, type InboxEntry } from '../../protocol/index.ts'

describe.each(backends())('inbox entries (%s)', (backend) => {
  const srv = attackHarness(backend)

  async function inboxOf(s: PageScene) {
    const I = srv.keep(await stock(srv.wsBase, inboxDoc(s.c.id), s.c.token))
    return () => I.doc.getMap('chats').get(s.convId) as InboxEntry | undefined
  }

  it("moves a chat's time forward for a message whose author's clock runs late", async () => {
    const s = await srv.scene()
    const entry = await inboxOf(s)
    await until(() => entry()?.preview === s.m1.body, 'the first message in the inbox')
    const before = entry()!.ts
    // written by a phone whose clock is ten minutes behind, then by one set to 1970
    const late = message(s.a.id, 'from a late clock', { ts: Date.now() - 600_000 })
    s.A.doc.getArray<ChatMessage>('msgs').push([late])
    await until(() => entry()?.preview === late.body, 'the late message in the inbox')
    expect(entry()!.ts).toBeGreaterThan(before)
    const ancient = message(s.a.id, 'from 1970', { ts: 1 })
    s.A.doc.getArray<ChatMessage>('msgs').push([ancient])
    await until(() => entry()?.preview === ancient.body, 'the 1970 message in the inbox')
    // a chat deleted from the list at the entry's time comes back with the next message
    expect(entry()!.ts).toBeGreaterThan(before + 1)
  })

  it('cuts a long preview before a character, never through it', async () => {
    const s = await srv.scene()
    const entry = await inboxOf(s)
    const m = message(s.a.id, 'a'.repeat(99) + '😀 and more')
    s.A.doc.getArray<ChatMessage>('msgs').push([m])
    await until(() => entry()?.preview.startsWith('aaa') === true, 'the long message in the inbox')
    expect(entry()!.preview).toBe('a'.repeat(99))
  })
})
