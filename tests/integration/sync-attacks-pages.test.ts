// Page attacks (issue 2: "no writes to a page that is closed"): a page rolls over at PAGE_SIZE messages;
// the previous page still takes late appends up to PAGE_HARD_LIMIT (offline writes), and older pages
// take none. Appends past those limits are refused with nothing changed.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import {
  Raw,
  craft,
  freshClientId,
  freshLook,
  message,
  msgs,
  newGroup,
  newUser,
  stock,
  until,
  type Stock,
  type User,
} from '../fixtures/attacks.ts'
import { CLOSE, PAGE_HARD_LIMIT, PAGE_SIZE, headDoc, pageDoc, type ChatMessage } from '../../protocol/index.ts'

describe.each(backends())('sync page attacks (%s)', (backend) => {
  const srv = attackHarness(backend)
  const { keep, rawOpen } = srv

  /** a fills `page` to PAGE_SIZE in batches; waits for the head doc to name the next page */
  async function fill(a: User, convId: string, page: number, head: Stock): Promise<Stock> {
    const P = keep(await stock(srv.wsBase, pageDoc(convId, page), a.token))
    const arr = P.doc.getArray<ChatMessage>('msgs')
    while (arr.length < PAGE_SIZE) {
      const n = Math.min(100, PAGE_SIZE - arr.length)
      arr.push(Array.from({ length: n }, (_, i) => message(a.id, `page ${page} #${arr.length + i}`)))
    }
    await until(() => head.doc.getMap('meta').get('page') === page + 1, `the head doc to roll over to page ${page + 1}`, 30_000)
    expect(P.closes).toEqual([])
    return P
  }

  async function append(u: User, doc: string, count: number): Promise<{ raw: Raw; ids: string[] }> {
    const raw = await rawOpen(doc, u)
    const ms = Array.from({ length: count }, (_, i) => message(u.id, `late ${i}`))
    const client = freshClientId()
    raw.sendUpdate((await craft(raw, client, (d: Y.Doc) => d.getArray('msgs').push(ms))).update)
    await until(
      () => raw.isClosed || raw.acks().some((sv) => (sv.get(client) ?? 0) >= count),
      `${count} appends to ${doc} answered`,
    )
    return { raw, ids: ms.map((m) => m.id) }
  }

  it(`takes late appends to the previous page up to ${PAGE_HARD_LIMIT}, refuses more, and refuses any append to older pages`, async () => {
    const [a, b] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b')])
    const chat = await newGroup(srv.base, a, [b])
    const H = keep(await stock(srv.wsBase, headDoc(chat.id), a.token))
    expect(chat.page).toBe(0)
    const P0 = await fill(a, chat.id, 0, H)

    // page 0 is now the previous page: late appends are fine up to the hard limit...
    const late = await append(b, pageDoc(chat.id, 0), PAGE_HARD_LIMIT - PAGE_SIZE)
    expect(late.raw.isOpen).toBe(true)
    await until(() => msgs(P0.doc).length === PAGE_HARD_LIMIT, 'the late appends reaching a')
    // ...and not one past it
    const over = await append(b, pageDoc(chat.id, 0), 1)
    expect((await over.raw.closeCode()).code).toBe(CLOSE.REFUSED)

    // page 1 fills; page 0 is now closed for good
    await fill(a, chat.id, 1, H)
    const closed = await append(b, pageDoc(chat.id, 0), 1)
    expect((await closed.raw.closeCode()).code).toBe(CLOSE.REFUSED)
    // page 1 is the previous page and still takes a late one
    const ok = await append(b, pageDoc(chat.id, 1), 1)
    expect(ok.raw.isOpen).toBe(true)

    const fresh0 = await freshLook(srv.wsBase, pageDoc(chat.id, 0), a.token)
    const ids0 = (fresh0.json.msgs as ChatMessage[]).map((m) => m.id)
    expect(ids0).toHaveLength(PAGE_HARD_LIMIT)
    for (const id of [...over.ids, ...closed.ids]) expect(ids0).not.toContain(id)
    expect(ids0.slice(PAGE_SIZE)).toEqual(late.ids)
  }, 120_000)
})
