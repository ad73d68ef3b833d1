// History in pages: a chat of 5,000 messages is split into pages of PAGE_SIZE; the head doc names the
// current page; any page can be fetched; a page past the current one is refused.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, message, msgs, syncUrl, until, upgradeStatus } from '../fixtures/sync-client.ts'
import { headDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import * as Y from 'yjs'
import { MAX_MESSAGE_CHARS, PAGE_MAX_TEXT_CHARS, PAGE_ROLL_TEXT_CHARS, PAGE_SIZE } from '../../protocol/limits.ts'
import { CLOSE, PAGE_FULL, PAGE_TEXT_FULL } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'

describe.each(backends())('sync pages (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('5,000 messages land in pages of 1,000 and any page can be fetched', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `pg_ann_${tag}`), await signUp(suite.server, `pg_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const head = await connect(suite.server, ann.token, headDoc(chat.id))
    suite.keep(head)
    const meta = head.doc.getMap(ROOTS.head.meta)
    const TOTAL = 5_000
    const CHUNK = 100
    let written = 0
    while (written < TOTAL) {
      const page = meta.get('page') as number
      const p = await connect(suite.server, ann.token, pageDoc(chat.id, page), { ack: true })
      // write into the current page until the server rolls over to the next one
      while (written < TOTAL && (meta.get('page') as number) === page) {
        const batch = Array.from({ length: CHUNK }, (_, i) => message(ann.user.id, `msg ${written + i}`))
        msgs(p).push(batch)
        written += CHUNK
        const want = msgs(p).length
        await until(() => p.ackedClock() >= want, 'the chunk acknowledged')
        if (msgs(p).length >= PAGE_SIZE)
          await until(() => (meta.get('page') as number) > page, 'the roll-over reaching the head doc')
      }
      p.destroy()
    }
    expect(meta.get('page')).toBe(TOTAL / PAGE_SIZE)

    // bob fetches any old page: exactly its thousand messages, in order
    for (const page of [0, 2, 4]) {
      const c = await connect(suite.server, bob.token, pageDoc(chat.id, page))
      const got = msgs(c)
        .toArray()
        .map((m) => m.body)
      expect(got.length).toBe(PAGE_SIZE)
      expect(got[0]).toBe(`msg ${page * PAGE_SIZE}`)
      expect(got[PAGE_SIZE - 1]).toBe(`msg ${(page + 1) * PAGE_SIZE - 1}`)
      c.destroy()
    }
    const rows = await suite.server.db.all<{ page: number; length: number }>(
      'SELECT page, length FROM conv_pages WHERE conv_id = ? ORDER BY page',
      [chat.id],
    )
    expect(rows.map((r) => [Number(r.page), Number(r.length)])).toEqual([
      [0, 1000],
      [1, 1000],
      [2, 1000],
      [3, 1000],
      [4, 1000],
      [5, 0],
    ])

    // a page past the current one does not exist yet: refused at the upgrade
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${pageDoc(chat.id, 7)}?token=${bob.token}`)).toBe(403)
  })
})

describe.each(backends())('sync pages of long messages (%s)', (backend) => {
  const suite = serverSuite(backend)

  it(`a page of long messages rolls over at ${PAGE_ROLL_TEXT_CHARS} characters and takes none past ${PAGE_MAX_TEXT_CHARS}`, async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `pl_ann_${tag}`), await signUp(suite.server, `pl_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const head = await connect(suite.server, ann.token, headDoc(chat.id))
    suite.keep(head)
    const meta = head.doc.getMap(ROOTS.head.meta)
    const p = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    suite.keep(p)
    const long = (i: number) => message(ann.user.id, `${i} ${'가'.repeat(MAX_MESSAGE_CHARS - 8)}`)
    // 60 of 10,000 characters: the page rolls over on the 50th, as it would on its 1,000th short message
    for (let i = 0; i < 60; i += 10) {
      msgs(p).push(Array.from({ length: 10 }, (_, k) => long(i + k)))
      const want = Y.getState(p.doc.store, p.doc.clientID)
      await until(() => p.ackedClock() >= want, 'ten long messages acknowledged')
    }
    await until(() => meta.get('page') === 1, 'the roll-over reaching the head doc')
    // the page before the current one still takes what was written offline, up to the bound
    for (let i = 60; i < 100; i += 10) {
      msgs(p).push(Array.from({ length: 10 }, (_, k) => long(i + k)))
      const want = Y.getState(p.doc.store, p.doc.clientID)
      await until(() => p.ackedClock() >= want, 'ten more acknowledged')
    }
    expect(p.closes).toEqual([])
    msgs(p).push([long(100)])
    await until(() => p.closes.length > 0, 'the page to refuse one more')
    expect(p.closes[0]).toEqual({ code: CLOSE.REFUSED, reason: PAGE_FULL })
    // and what it holds is what it took
    const c = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    expect(msgs(c).length).toBe(100)
    c.destroy()
  })

  it(`edits count toward a page's ${PAGE_MAX_TEXT_CHARS} characters: one-letter messages edited long fill no page past it, and a retraction always goes`, async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `pe_ann_${tag}`), await signUp(suite.server, `pe_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const p = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    suite.keep(p)
    const short = Array.from({ length: 110 }, () => message(ann.user.id, 'x'))
    msgs(p).push(short)
    await until(() => p.ackedClock() >= Y.getState(p.doc.store, p.doc.clientID), 'the short messages acknowledged')
    const edits = p.doc.getMap<{ body?: string; retracted?: true; ts: number }>(ROOTS.page.edits)
    // a hundred edits of nearly 10,000 characters: the page's bound, all but reached by edits alone
    const long = '가'.repeat(MAX_MESSAGE_CHARS - 2)
    for (let i = 0; i < 100; i += 10) {
      p.doc.transact(() => {
        for (let k = i; k < i + 10; k++) edits.set(short[k].id, { body: long, ts: Date.now() })
      })
      const want = Y.getState(p.doc.store, p.doc.clientID)
      await until(() => p.ackedClock() >= want, 'ten long edits acknowledged')
    }
    // editing one of them again replaces its text rather than adding to it
    edits.set(short[0].id, { body: long.slice(1) + '!', ts: Date.now() })
    await until(() => p.ackedClock() >= Y.getState(p.doc.store, p.doc.clientID), 'an edit of an edit acknowledged')
    expect(p.closes).toEqual([])
    edits.set(short[100].id, { body: long, ts: Date.now() })
    await until(() => p.closes.length > 0, 'the page to refuse one more long edit')
    expect(p.closes[0]).toEqual({ code: CLOSE.REFUSED, reason: PAGE_TEXT_FULL })
    p.destroy()
    // what it holds is what it took; a retraction, which takes text away, still goes
    const q = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    suite.keep(q)
    const held = q.doc.getMap<{ body?: string; retracted?: true; ts: number }>(ROOTS.page.edits)
    expect(held.size).toBe(100)
    expect(held.has(short[100].id)).toBe(false)
    held.set(short[5].id, { retracted: true, ts: Date.now() })
    await until(() => q.ackedClock() >= Y.getState(q.doc.store, q.doc.clientID), 'the retraction acknowledged')
    expect(q.closes).toEqual([])
  })
})
