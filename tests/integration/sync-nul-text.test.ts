// A message may hold NUL characters (a text body is any string), and Postgres text columns cannot hold
// them. What the server copies out of a message into its tables (the chat's preview) must be storable, or
// a single such message would fail every commit that carries the copy, and the start after it.
import { afterEach, describe, expect, it } from 'vitest'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { startServerOn, type RunningServer } from '../fixtures/server.ts'
import { message, msgs, newGroup, newUser, stock, until, type Stock } from '../fixtures/attacks.ts'
import { inboxDoc, pageDoc, type ChatMessage, type InboxEntry } from '../../protocol/index.ts'

const running: RunningServer[] = []
const open: Stock[] = []
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy()
  for (const s of running.splice(0)) await s.close().catch(() => {})
})

async function start(url: string) {
  const s = await startServerOn(url)
  running.push(s)
  return { base: s.url, wsBase: s.url.replace(/^http/, 'ws'), server: s }
}

const keep = (s: Stock) => (open.push(s), s)

describe.each(backends())('a message holding NUL characters (%s)', (backend) => {
  it('is delivered and kept, the chat list shows it without them, and the server starts again after it', async () => {
    const url = await freshDatabaseUrl(backend)
    const first = await start(url)
    const [a, c] = await Promise.all([newUser(first.base, 'a'), newUser(first.base, 'c')])
    const chat = await newGroup(first.base, a, [c])
    const page = pageDoc(chat.id, chat.page)
    const A = keep(await stock(first.wsBase, page, a.token))
    const C = keep(await stock(first.wsBase, page, c.token))
    const odd = message(a.id, 'before\0after')
    A.doc.getArray<ChatMessage>('msgs').push([odd])
    await until(() => msgs(C.doc).some((m) => m.id === odd.id), 'the message reaching c')
    // messages that follow it go through commits that carry the chat's preview (every second at most)
    for (let i = 0; i < 3; i++) {
      const m = message(c.id, `reply ${i}\0`)
      C.doc.getArray<ChatMessage>('msgs').push([m])
      await until(() => msgs(A.doc).some((x) => x.id === m.id), `reply ${i} reaching a`)
      await new Promise((r) => setTimeout(r, 600))
    }
    expect(A.closes).toEqual([])
    expect(C.closes).toEqual([])
    for (const s of open.splice(0)) s.destroy()
    await first.server.close()
    running.length = 0

    const again = await start(url)
    const C2 = keep(await stock(again.wsBase, page, c.token))
    await until(() => msgs(C2.doc).length === 4, 'the history after the restart')
    expect(msgs(C2.doc)[0].body).toBe('before\0after')
    const inbox = keep(await stock(again.wsBase, inboxDoc(a.id), a.token))
    await until(
      () => inbox.doc.getMap<InboxEntry>('chats').get(chat.id)?.preview === 'reply 2',
      "a's chat list showing the last reply",
    )
  })
})
