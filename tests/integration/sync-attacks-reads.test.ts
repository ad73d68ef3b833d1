// Attacks on read positions (issue 2: "read positions only your own"): writing another member's,
// lowering or erasing your own (directly, through a delete set, or with a pre-deleted item), and the
// head doc's other roots (`meta` is the server's). A read position is one number per member in the
// head doc's `reads`; clients compute every message's unread count from it, so any change shows.
import { describe, it, expect } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import {
  craft,
  freshClientId,
  freshLook,
  look,
  message,
  msgs,
  sameSnapshot,
  stock,
  stripDeleteSet,
  until,
  type Stock,
} from '../fixtures/attacks.ts'
import { CLOSE, inboxDoc, readPosition, type ChatMessage } from '../../protocol/index.ts'
import { handUpdate } from '../fixtures/hand-update.ts'

describe.each(backends())('sync attacks on read positions (%s)', (backend) => {
  const srv = attackHarness(backend)
  const { keep, rawOpen, scene } = srv

  async function headScene() {
    const s = await scene()
    // two more messages so that read positions 1..3 all point inside the page
    s.A.doc.getArray<ChatMessage>('msgs').push([message(s.a.id, 'two'), message(s.a.id, 'three')])
    await until(() => msgs(s.C.doc).length === 3, 'three messages at c')
    const pageNo = Number(s.page.split(':')[2])
    const HA = keep(await stock(srv.wsBase, s.head, s.a.token))
    const HC = keep(await stock(srv.wsBase, s.head, s.c.token))
    const HB = keep(await stock(srv.wsBase, s.head, s.b.token))
    const reads = (h: Stock) => h.doc.getMap<number>('reads')
    reads(HA).set(s.a.id, readPosition(pageNo, 1))
    reads(HB).set(s.b.id, readPosition(pageNo, 2))
    for (const h of [HA, HB, HC])
      await until(
        () => reads(h).get(s.a.id) === readPosition(pageNo, 1) && reads(h).get(s.b.id) === readPosition(pageNo, 2),
        'read positions everywhere',
      )
    expect([...HA.closes, ...HB.closes]).toEqual([])
    return { s, pageNo, HA, HB, HC, reads }
  }

  async function expectRefusedOnHead(h: Awaited<ReturnType<typeof headScene>>, mutate: (d: Y.Doc) => void) {
    const { s, pageNo, HA, HC, reads } = h
    const before = look(HA.doc, s.head).json as { meta: unknown; reads: Record<string, number> }
    const client = freshClientId()
    const raw = await rawOpen(s.head, s.b)
    const { update } = await craft(raw, client, mutate)
    raw.sendUpdate(update)
    // fence: c's own read position, a legitimate write to the same doc
    const pos = readPosition(pageNo, 3)
    reads(HC).set(s.c.id, pos)
    await until(() => reads(HA).get(s.c.id) === pos, "c's read position reaching a")
    const expected = { meta: before.meta, reads: { ...before.reads, [s.c.id]: pos } }
    expect(look(HA.doc, s.head).json).toEqual(expected)
    const fresh = await freshLook(srv.wsBase, s.head, s.c.token)
    expect(fresh.json).toEqual(expected)
    expect(fresh.otherRoots).toEqual([])
    expect(fresh.clients.has(client)).toBe(false)
    expect(sameSnapshot(fresh.doc, HA.doc)).toBe(true)
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  }

  it("refuses writing another user's read position", async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').set(h.s.a.id, readPosition(h.pageNo, 3)))
  })

  it('refuses writing the read position of a user who is not even a member', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').set('zzzzzzzzzzzz', readPosition(h.pageNo, 3)))
  })

  it('refuses lowering your own read position', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').set(h.s.b.id, readPosition(h.pageNo, 1)))
  })

  it('refuses deleting your own read position (which would lower it to nothing)', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').delete(h.s.b.id))
  })

  it('refuses a set-and-delete of your own read position in one transaction (a hidden deletion)', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => {
      d.getMap('reads').set(h.s.b.id, readPosition(h.pageNo, 3))
      d.getMap('reads').delete(h.s.b.id)
    })
  })

  it('refuses an already-deleted read position with no delete set naming it (it would erase yours)', async () => {
    const h = await headScene()
    const { s, pageNo, HA, HC, reads } = h
    const client = freshClientId()
    const raw = await rawOpen(s.head, s.b)
    const { update } = await craft(raw, client, (d) => {
      d.getMap('reads').set(s.b.id, readPosition(pageNo, 3))
      d.getMap('reads').delete(s.b.id)
    })
    const hidden = stripDeleteSet(update)
    expect(Y.decodeUpdate(hidden).ds.clients.size).toBe(0)
    raw.sendUpdate(hidden)
    const pos = readPosition(pageNo, 3)
    reads(HC).set(s.c.id, pos)
    await until(() => reads(HA).get(s.c.id) === pos, "c's read position reaching a")
    expect(reads(HA).get(s.b.id)).toBe(readPosition(pageNo, 2))
    const fresh = await freshLook(srv.wsBase, s.head, s.c.token)
    expect((fresh.json.reads as Record<string, number>)[s.b.id]).toBe(readPosition(pageNo, 2))
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  it('refuses a raise and an erasure of your own read position merged into one update', async () => {
    const h = await headScene()
    const { s, pageNo, HA, HC, reads } = h
    const client = freshClientId()
    const raw = await rawOpen(s.head, s.b)
    const local = new Y.Doc()
    await raw.sync(local)
    local.clientID = client
    const parts: Uint8Array[] = []
    local.on('update', (u: Uint8Array) => parts.push(u))
    local.getMap('reads').set(s.b.id, readPosition(pageNo, 3)) // an honest raise...
    local.transact(() => {
      local.getMap('reads').set(s.b.id, readPosition(pageNo, 3))
      local.getMap('reads').delete(s.b.id) // ...then the newest entry for the key is a deleted one
    })
    raw.sendUpdate(Y.mergeUpdates(parts))
    const pos = readPosition(pageNo, 3)
    reads(HC).set(s.c.id, pos)
    await until(() => reads(HA).get(s.c.id) === pos, "c's read position reaching a")
    expect({ bAtA: reads(HA).get(s.b.id) }).toEqual({ bAtA: readPosition(pageNo, 2) })
    const fresh = await freshLook(srv.wsBase, s.head, s.c.token)
    expect({ bFresh: (fresh.json.reads as Record<string, number>)[s.b.id] }).toEqual({ bFresh: readPosition(pageNo, 2) })
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  it('never lets a raise and a concurrent erasure under two of your clientIDs erase your read position', async () => {
    const h = await headScene()
    const { s, pageNo, HA, HC, reads } = h
    // two fresh clientIDs, x < y: Yjs orders concurrent entries of one key by clientID, so y's
    // (deleted) entry lands right of x's live one and becomes the key's value
    const x = freshClientId()
    const y = x + 1
    const raw = await rawOpen(s.head, s.b)
    const live = await craft(raw, x, (d) => d.getMap('reads').set(s.b.id, readPosition(pageNo, 3)))
    const raw2 = await rawOpen(s.head, s.b)
    const erased = await craft(raw2, y, (d) => {
      d.getMap('reads').set(s.b.id, readPosition(pageNo, 3))
      d.getMap('reads').delete(s.b.id)
    })
    raw2.close()
    raw.sendUpdate(Y.mergeUpdates([live.update, erased.update]))
    const pos = readPosition(pageNo, 3)
    reads(HC).set(s.c.id, pos)
    await until(() => reads(HA).get(s.c.id) === pos, "c's read position reaching a")
    // either refused (b stays at 2) or taken as the raise (b at 3): never erased
    expect([readPosition(pageNo, 2), readPosition(pageNo, 3)]).toContain(reads(HA).get(s.b.id))
    const fresh = await freshLook(srv.wsBase, s.head, s.c.token)
    expect([readPosition(pageNo, 2), readPosition(pageNo, 3)]).toContain((fresh.json.reads as Record<string, number>)[s.b.id])
  })

  it("refuses deleting another user's read position", async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').delete(h.s.a.id))
  })

  it('refuses a read position that is not a number', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('reads').set(h.s.b.id, 'everything' as unknown as number))
  })

  it('refuses writing the server-only `meta` of the head doc', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('meta').set('title', 'pwned'))
  })

  it('refuses deleting from the server-only `meta` through a delete set', async () => {
    const h = await headScene()
    const keys = [...h.HA.doc.getMap('meta').keys()]
    expect(keys.length).toBeGreaterThan(0)
    await expectRefusedOnHead(h, (d) => d.getMap('meta').delete(keys[0]))
  })

  it('refuses an unknown root in the head doc', async () => {
    const h = await headScene()
    await expectRefusedOnHead(h, (d) => d.getMap('admins').set(h.s.b.id, true))
  })

  // a value with no origin for a key held already goes, in Yjs, before the held value when its clientID is
  // lower: overwritten at once. The unread counts the server keeps must follow what the document holds.
  it('counts unread messages from the read position the document holds, not from one Yjs set aside', async () => {
    const { s, pageNo, HB, reads } = await headScene()
    const I = keep(await stock(srv.wsBase, inboxDoc(s.b.id), s.b.token))
    const entry = () => I.doc.getMap('chats').get(s.convId) as { preview?: string; unread?: number } | undefined
    await until(() => entry()?.unread === 1, "b's inbox counting one unread message")
    const raw = await rawOpen(s.head, s.b)
    const x = 1 + Math.floor(Math.random() * (HB.doc.clientID - 1)) // lower than b's own device's
    raw.sendUpdate(
      handUpdate([{ client: x, clock: 0, items: [{ parent: 'reads', sub: s.b.id, values: [readPosition(pageNo, 3)] }] }]),
    )
    await until(() => raw.acks().some((sv) => (sv.get(x) ?? 0) >= 1), "the server's acknowledgement")
    expect(reads(HB).get(s.b.id)).toBe(readPosition(pageNo, 2))
    const next = message(s.a.id, 'one more')
    s.A.doc.getArray<ChatMessage>('msgs').push([next])
    await until(() => entry()?.preview === next.body, "a's next message in b's inbox")
    expect(entry()?.unread).toBe(2)
  })
})
