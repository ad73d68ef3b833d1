// Attacks through the structure of an update rather than its values: what the grammar judges must be what
// Yjs integrates. Each update is written by hand (hand-update.ts), as no Yjs client would write it, and
// must be refused (4400) with nothing changed for anyone and the chat still served:
// - an item whose origin is a struct the server holds, restated by the update under another key: judged
//   there, Yjs would put it after the server's struct (another member's edit, reaction or read position);
// - one clientID in two sections: Y.decodeUpdate lists both, Yjs integrates only the last;
// - origins that no order satisfies (a cycle between two clients, an origin later in its own client):
//   left pending in every copy, or an exception in the middle of applying;
// - an empty struct (it breaks Yjs's own lookups), clocks out of range, a map item of thousands of values;
// - values the server holds, restated as other people's message ids (to edit their messages as one's own);
// - a deleted value beside a new one for a key whose values go only by being overwritten (a retraction).
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { handUpdate, mapItemId } from '../fixtures/hand-update.ts'
import {
  freshClientId,
  freshLook,
  http,
  message,
  messageId,
  msgs,
  stock,
  until,
  type PageScene,
  type Raw,
} from '../fixtures/attacks.ts'
import { channelHeadDoc, channelPageDoc, type Channel } from '../../protocol/channels.ts'
import { CLOSE, inboxDoc, type ChatMessage } from '../../protocol/index.ts'

// read by the server as it starts: one test here writes a key's values under hundreds of clientIDs
// (sync-claim-quota.test.ts tests the limit itself)
process.env.SORI_CLAIMS_PER_DOC = '1000'

describe.each(backends())('sync attacks through the structure of an update (%s)', (backend) => {
  const srv = attackHarness(backend)
  const { keep, rawOpen, scene } = srv

  /** Refused as expectRefusedOnPage says, and the document was not dropped: nobody else was disconnected. */
  async function refusedAndServed(s: PageScene, raw: Raw, update: Uint8Array, x: number): Promise<void> {
    await srv.expectRefusedOnPage(s, raw, update, x)
    expect(s.A.closes).toEqual([])
    expect(s.C.closes).toEqual([])
  }

  it("refuses an item placed after another member's edit, which the update restates under the attacker's message", async () => {
    const s = await scene()
    s.A.doc.getMap('edits').set(s.m1.id, { body: 'hello from a (edited)', ts: Date.now() })
    await until(() => s.C.doc.getMap('edits').has(s.m1.id), "a's edit reaching c")
    const held = mapItemId(s.A.doc.getMap('edits') as never, s.m1.id)
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const mine = message(s.b.id, 'hi')
    const update = handUpdate([
      // a's edit, claimed to be an edit of b's own message
      { client: held[0], clock: held[1], items: [{ parent: 'edits', sub: mine.id, values: [{ body: 'whatever', ts: 1 }] }] },
      {
        client: x,
        clock: 0,
        items: [
          { parent: 'msgs', values: [mine] },
          { origin: held, values: [{ body: 'a now says: I will never pay you back', ts: Date.now() }] },
        ],
      },
    ])
    await srv.expectRefusedOnPage(s, raw, update, x)
    expect(s.C.doc.getMap('edits').get(s.m1.id)).toMatchObject({ body: 'hello from a (edited)' })
  })

  it("refuses a value placed after another member's read position, which the update restates as the attacker's", async () => {
    const s = await scene()
    const aHead = keep(await stock(srv.wsBase, s.head, s.a.token, { clientID: s.aClient }))
    aHead.doc.getMap<number>('reads').set(s.a.id, 1)
    const cHead = keep(await stock(srv.wsBase, s.head, s.c.token))
    await until(() => cHead.doc.getMap('reads').get(s.a.id) === 1, "a's read position reaching c")
    const held = mapItemId(aHead.doc.getMap('reads') as never, s.a.id)
    const raw = await rawOpen(s.head, s.b)
    const x = freshClientId()
    raw.sendUpdate(
      handUpdate([
        { client: held[0], clock: held[1], items: [{ parent: 'reads', sub: s.b.id, values: [1] }] },
        { client: x, clock: 0, items: [{ origin: held, values: [65_536] }] },
      ]),
    )
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
    const fresh = await freshLook(srv.wsBase, s.head, s.c.token)
    expect(fresh.doc.getMap('reads').get(s.a.id)).toBe(1)
    expect(fresh.clients.has(x)).toBe(false)
    expect(cHead.doc.getMap('reads').get(s.a.id)).toBe(1)
  })

  it('refuses one clientID in two sections (a message Yjs would never apply, behind a reaction it would)', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const phantom = message(s.b.id, 'PHANTOM: this message is in no document')
    const update = handUpdate([
      { client: x, clock: 0, items: [{ parent: 'msgs', values: [phantom] }] },
      { client: x, clock: 0, items: [{ parent: 'reacts', sub: `${phantom.id}:${s.b.id}`, values: ['like'] }] },
    ])
    expect(Y.decodeUpdate(update).structs).toHaveLength(2)
    await srv.expectRefusedOnPage(s, raw, update, x)
  })

  it('refuses items whose origins go round in a circle between two clientIDs', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const [x, z] = [freshClientId(), freshClientId()]
    const m = (body: string) => message(s.b.id, body, { id: messageId() })
    const update = handUpdate([
      {
        client: x,
        clock: 0,
        items: [
          { origin: [z, 1], values: [m('x0')] },
          { parent: 'msgs', values: [m('x1')] },
        ],
      },
      {
        client: z,
        clock: 0,
        items: [
          { parent: 'msgs', values: [m('z0')] },
          { origin: [x, 1], values: [m('z1: shown in the chat list, in nobody’s chat')] },
        ],
      },
    ])
    await srv.expectRefusedOnPage(s, raw, update, x)
  })

  it('refuses an item whose origin is a later struct of its own clientID, and the chat stays served', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const update = handUpdate([
      {
        client: x,
        clock: 0,
        items: [
          { parent: 'msgs', values: [message(s.b.id, 'first')] },
          { origin: [x, 2], values: [message(s.b.id, 'after what comes next')] },
          { parent: 'msgs', values: [message(s.b.id, 'third')] },
        ],
      },
    ])
    await refusedAndServed(s, raw, update, x)
  })

  /** b's own clientID, bound by a message of b's the server acknowledged; returns it */
  async function bound(s: PageScene, raw: Raw): Promise<number> {
    const x = freshClientId()
    raw.sendUpdate(handUpdate([{ client: x, clock: 0, items: [{ parent: 'msgs', values: [message(s.b.id, 'mine')] }] }]))
    await until(() => raw.acks().some((sv) => (sv.get(x) ?? 0) >= 1), "b's message acknowledged")
    return x
  }

  it('refuses an empty item after a reaction, and the chat stays served', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const update = handUpdate([
      {
        client: x,
        clock: 0,
        items: [
          { parent: 'reacts', sub: `${s.m1.id}:${s.b.id}`, values: ['like'] },
          { origin: [x, 0], values: [] },
        ],
      },
    ])
    await refusedAndServed(s, raw, update, x)
  })

  it("refuses an edit of another member's message whose id the update gives a value the server holds of the attacker's", async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = await bound(s, raw)
    const update = handUpdate([
      {
        client: x,
        clock: 0,
        items: [
          // b's message, which the server holds, restated as one with a's message's id; then a new one
          { parent: 'msgs', values: [message(s.b.id, 'restated', { id: s.m1.id }), message(s.b.id, 'new')] },
          { parent: 'edits', sub: s.m1.id, values: [{ body: 'a now says: I owe b everything', ts: Date.now() }] },
        ],
      },
    ])
    const attack = await rawOpen(s.page, s.b)
    await srv.expectRefusedOnPage(s, attack, update, x)
    expect(s.C.doc.getMap('edits').has(s.m1.id)).toBe(false)
  })

  it('refuses a struct reaching past the clocks any client writes', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = await bound(s, raw)
    const attack = await rawOpen(s.page, s.b)
    await srv.expectRefusedOnPage(s, attack, handUpdate([{ client: x, clock: 1, items: [{ gc: 2 ** 40 }] }]), x)
  })

  it('refuses a map item of thousands of values, each but the last deleted, without stalling the chat', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const n = 5_000
    const update = handUpdate(
      [
        {
          client: x,
          clock: 0,
          items: [{ parent: 'reacts', sub: `${s.m1.id}:${s.b.id}`, values: Array.from({ length: n }, () => 'like') }],
        },
      ],
      // one range a value, last first: the slowest order to look them up
      [[x, Array.from({ length: n - 1 }, (_, i): [number, number] => [n - 2 - i, 1])]],
    )
    await srv.expectRefusedOnPage(s, raw, update, x)
  })

  // Yjs walks every value of a key before a new one with no origin, and every value after a new one's origin:
  // thousands of them, update after update, made each update (and each load of the page) cost seconds
  it('refuses more than a few runs of values for one key in one update', async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    const x = freshClientId()
    const key = `${s.m1.id}:${s.b.id}`
    const update = handUpdate([
      { client: x, clock: 0, items: Array.from({ length: 5 }, () => ({ parent: 'reacts', sub: key, values: ['like'] })) },
    ])
    await refusedAndServed(s, raw, update, x)
  })

  it('refuses a value that lands before hundreds of values of its key, and takes one at the end', async () => {
    const s = await scene()
    const key = `${s.m1.id}:${s.b.id}`
    // b's reaction set 288 times, each by a new device after the one before: honest values, one after another
    const chain = Array.from({ length: 288 }, () => freshClientId())
    for (let i = 0; i < chain.length; i += 32) {
      const raw = await rawOpen(s.page, s.b)
      const part = chain.slice(i, i + 32)
      raw.sendUpdate(
        handUpdate(
          part.map((client, j) => ({
            client,
            clock: 0,
            items: [
              i + j === 0
                ? { parent: 'reacts', sub: key, values: ['like'] }
                : { origin: [chain[i + j - 1], 0], values: ['like'] },
            ],
          })),
        ),
      )
      await until(() => raw.acks().some((sv) => sv.has(part.at(-1)!)), `values ${i} to ${i + 31} acknowledged`)
    }
    // right after the first one, and with no origin: before all the others
    for (const item of [{ origin: [chain[0], 0] as [number, number] }, { parent: 'reacts', sub: key }]) {
      const x = freshClientId()
      await refusedAndServed(
        s,
        await rawOpen(s.page, s.b),
        handUpdate([{ client: x, clock: 0, items: [{ ...item, values: ['love'] }] }]),
        x,
      )
    }
    // after the last one, as a device that saw it writes
    const raw = await rawOpen(s.page, s.b)
    const y = freshClientId()
    raw.sendUpdate(handUpdate([{ client: y, clock: 0, items: [{ origin: [chain.at(-1)!, 0], values: ['love'] }] }]))
    await until(() => s.C.doc.getMap('reacts').get(key) === 'love', "b's latest reaction reaching c")
  })

  it('refuses a deleted value beside a new one for a retraction (Yjs would make the deleted one the value)', async () => {
    const s = await scene()
    s.A.doc.getMap('edits').set(s.m1.id, { retracted: true, ts: Date.now() })
    await until(() => s.C.doc.getMap('edits').has(s.m1.id), "a's retraction reaching c")
    const r = mapItemId(s.A.doc.getMap('edits') as never, s.m1.id)
    // a herself, taking her retraction back: both new items follow the retraction, the deleted one with the
    // higher clientID, which Yjs puts last
    const [lo, hi] = [freshClientId(), freshClientId()].sort((p, q) => p - q)
    const raw = await rawOpen(s.page, s.a)
    const update = handUpdate([
      { client: hi, clock: 0, items: [{ origin: r, deleted: 1 }] },
      { client: lo, clock: 0, items: [{ origin: r, values: [{ retracted: true, ts: Date.now() }] }] },
    ])
    await srv.expectRefusedOnPage(s, raw, update, lo)
    expect(s.C.doc.getMap('edits').get(s.m1.id)).toMatchObject({ retracted: true })
  })

  it('refuses a new value for a retraction placed before it, with the retraction deleted (Yjs drops both)', async () => {
    const s = await scene()
    s.A.doc.getMap('edits').set(s.m1.id, { retracted: true, ts: Date.now() })
    await until(() => s.C.doc.getMap('edits').has(s.m1.id), "a's retraction reaching c")
    const [client, clock] = mapItemId(s.A.doc.getMap('edits') as never, s.m1.id)
    // a herself: a value with no origin (filed before the retraction under a lower clientID, and deleted by
    // Yjs at once) and a delete set that takes the retraction away
    const lo = 1 + (freshClientId() % 1000)
    const raw = await rawOpen(s.page, s.a)
    const update = handUpdate(
      [{ client: lo, clock: 0, items: [{ parent: 'edits', sub: s.m1.id, values: [{ retracted: true, ts: Date.now() }] }] }],
      [[client, [[clock, 1]]]],
    )
    await srv.expectRefusedOnPage(s, raw, update, lo)
    expect(s.C.doc.getMap('edits').get(s.m1.id)).toMatchObject({ retracted: true })
  })

  it("refuses structs that carry nothing in a channel's head or feed from someone who may not write there", async () => {
    const s = await scene()
    const raw = await rawOpen(s.page, s.b)
    // b's own clientID, bound by a message in the group
    const x = await bound(s, raw)
    const made = await http<Channel>(srv.base, 'POST', '/api/channels', s.a.token, {
      handle: `gc${Date.now().toString(36)}`,
      name: 'Quiet channel',
      category: 'news',
      langs: ['en'],
    })
    expect(made.status).toBe(201)
    for (const doc of [channelHeadDoc(made.body.id), channelPageDoc(made.body.id, 0)]) {
      const attack = await rawOpen(doc, s.b)
      attack.sendUpdate(handUpdate([{ client: x, clock: 0, items: [{ gc: 20 }] }]))
      expect((await attack.closeCode()).code).toBe(CLOSE.REFUSED)
      expect(attack.acks().some((sv) => sv.has(x))).toBe(false)
      const fresh = new Y.Doc()
      await (await rawOpen(doc, s.a)).sync(fresh)
      expect(Y.decodeStateVector(Y.encodeStateVector(fresh)).has(x)).toBe(false)
    }
  })

  // Yjs places an item whose origin is an older message (and nothing on its right) right after that
  // message when the message after it has a higher clientID: an append, as an offline member's can be
  it("keeps a chat list's preview on the newest message when an appended one lands in the middle of the page", async () => {
    const s = await scene()
    const inbox = inboxDoc(s.c.id)
    const I = keep(await stock(srv.wsBase, inbox, s.c.token))
    const entry = () => I.doc.getMap('chats').get(s.convId) as { preview?: string; unread?: number; ts?: number } | undefined
    const newest = message(s.a.id, 'the newest message')
    s.A.doc.getArray<ChatMessage>('msgs').push([message(s.a.id, 'an older message'), newest])
    await until(() => entry()?.preview === newest.body, "the inbox entry showing a's newest message")
    const unread = entry()?.unread ?? 0
    const ts = entry()?.ts ?? 0
    const a = s.A.doc.clientID
    const raw = await rawOpen(s.page, s.b)
    const x = 1 + Math.floor(Math.random() * (a - 1)) // lower than a's, so the item goes before a's newest
    const slipped = message(s.b.id, 'slipped in before the newest')
    raw.sendUpdate(
      handUpdate([{ client: x, clock: 0, items: [{ origin: [a, Y.getState(s.A.doc.store, a) - 2], values: [slipped] }] }]),
    )
    await until(() => raw.acks().some((sv) => (sv.get(x) ?? 0) >= 1), "the server's acknowledgement")
    await until(() => (entry()?.unread ?? 0) > unread, "c's unread count counting b's message")
    expect(
      msgs(s.A.doc)
        .map((m) => m.id)
        .slice(-2),
    ).toEqual([slipped.id, newest.id])
    expect(entry()?.preview).toBe(newest.body)
    // still a new message in the chat: its time moves on (lists sort by it; a chat deleted from one comes back)
    expect(entry()?.ts).toBeGreaterThan(ts)
    const fresh = await freshLook(srv.wsBase, inbox, s.c.token)
    expect((fresh.json.chats as Record<string, { preview: string }>)[s.convId].preview).toBe(newest.body)
  })
})
