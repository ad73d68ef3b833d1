// The update grammar (the engine's driver, server/sync/validate.ts, with each chat document kind's rules,
// server/chats/docs/) on updates crafted with real Yjs against a real server copy of each document kind.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { validateUpdate, type Accepted, type NeedOwners, type Refused } from '../../server/sync/validate.ts'
import type { UpdateRules } from '../../server/sync/kind.ts'
import type { ConvState } from '../../server/chats/convs.ts'
import { PageGrammar } from '../../server/chats/docs/page.ts'
import { HeadGrammar } from '../../server/chats/docs/head.ts'
import { inboxGrammar } from '../../server/chats/docs/inbox.ts'
import { ROOTS } from '../../protocol/docs.ts'
import { CLOSE, MESSAGE_HELD } from '../../protocol/wire.ts'
import { MAX_SETTINGS, PAGE_HARD_LIMIT, PAGE_STRIDE } from '../../protocol/limits.ts'
import { reactKey, type ChatMessage } from '../../protocol/messages.ts'

const ANN = 'annannannann'
const BOB = 'bobbobbobbob'
const SERVER = '!server'

const conv = (over: Partial<ConvState> = {}): ConvState => ({
  id: 'convconvconv',
  kind: 'group',
  title: 't',
  page: 0,
  created: 1,
  members: new Map([
    [ANN, { name: 'ann', readPos: 0 }],
    [BOB, { name: 'bob', readPos: 0 }],
  ]),
  former: new Map(),
  pageLengths: new Map([[0, 0]]),
  hidden: new Map(),
  lastPreview: '',
  lastFrom: '',
  lastTs: 0,
  ...over,
})

let n = 0
const msg = (from: string, body = 'hello'): ChatMessage => ({
  id: `msg-${(n++).toString().padStart(6, '0')}`,
  from,
  ts: 1,
  kind: 'text',
  body,
})

/** A server copy and the bindings the validator sees. */
class World {
  server = new Y.Doc()
  owners = new Map<number, string>()
  constructor(
    readonly kind: 'page' | 'head' | 'inbox',
    readonly c: ConvState | null = conv(),
    readonly page = 0,
  ) {}

  client(userId: string): Y.Doc {
    const d = new Y.Doc()
    Y.applyUpdate(d, Y.encodeStateAsUpdate(this.server))
    this.owners.set(d.clientID, userId)
    return d
  }

  /** The kind's grammar for one update, as the server makes it. */
  rules(userId: string): UpdateRules & { appended?: ChatMessage[]; readPos?: number | null } {
    if (this.kind === 'page') {
      return new PageGrammar({
        userId,
        doc: this.server,
        conv: this.c,
        page: this.page,
        messageAuthor: (id) =>
          this.server
            .getArray<ChatMessage>(ROOTS.page.msgs)
            .toArray()
            .find((m) => m.id === id)?.from,
        blob: () => undefined,
        loadBlobs: () => Promise.resolve(new Map()),
      })
    }
    if (this.kind === 'head') return new HeadGrammar(userId, this.server, this.c)
    return inboxGrammar(this.server.getMap(ROOTS.inbox.settings))
  }

  /** What `doc` wrote since it last synced with the server, validated as `userId`. */
  check(doc: Y.Doc, userId: string, update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(this.server))): Verdict {
    const rules = this.rules(userId)
    const v = validateUpdate(Y.decodeUpdate(update), {
      userId,
      doc: this.server,
      owner: (cl) => this.owners.get(cl) ?? null,
      rules,
    })
    if (v.ok !== true) return v
    // the server checks a head update's effects on a scratch copy too (handle.ts)
    const err = v.noop ? null : rules.effects?.(this.server, update)
    if (err) return { ok: false, code: CLOSE.REFUSED, reason: err }
    for (const cl of v.claims) this.owners.set(cl, userId)
    Y.applyUpdate(this.server, update)
    return { ...v, appended: rules.appended ?? [], readPos: rules.readPos ?? null }
  }
}

/** The engine's verdict with what the chat kinds' grammars report of an accepted update. */
type Verdict = (Accepted & { appended: ChatMessage[]; readPos: number | null }) | Refused | NeedOwners

const reason = (v: Verdict) => (v.ok === true ? 'accepted' : v.ok === false ? v.reason : 'owners')

describe('validateUpdate: page docs', () => {
  it('accepts appended messages by their author and reports them', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN, 'one')])
    a.getArray(ROOTS.page.msgs).push([msg(ANN, 'two')])
    const v = w.check(a, ANN)
    expect(v.ok === true && v.appended.map((m) => m.body)).toEqual(['one', 'two'])
  })

  it('binds an unbound clientID to the writer, and refuses it for anyone else afterwards', () => {
    const w = new World('page')
    const a = w.client(ANN)
    w.owners.delete(a.clientID)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    const v = w.check(a, ANN)
    expect(v.ok === true && v.claims).toEqual([a.clientID])
    const forged = new Y.Doc()
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(w.server))
    forged.clientID = a.clientID // set after loading: Yjs would otherwise pick a fresh one
    forged.getArray(ROOTS.page.msgs).push([msg(BOB)])
    expect(reason(w.check(forged, BOB))).toBe('clientID belongs to another user')
  })

  it('accepts messages written offline across a reload, whatever order the two clientIDs decode in', () => {
    // after a reload the doc writes under a new random clientID; decodeUpdate lists clients by descending
    // clientID, so the newer items (whose origins are the older ones) can come first in the update
    for (const [first, second] of [
      [50, 100],
      [100, 50],
    ]) {
      const w = new World('page')
      const before = w.client(ANN)
      before.clientID = first
      w.owners.set(first, ANN)
      before.getArray(ROOTS.page.msgs).push([msg(ANN, 'before reload')])
      const after = new Y.Doc()
      after.clientID = second
      w.owners.set(second, ANN)
      Y.applyUpdate(after, Y.encodeStateAsUpdate(before))
      after.getArray(ROOTS.page.msgs).push([msg(ANN, 'after reload')])
      expect(reason(w.check(after, ANN))).toBe('accepted')
      expect(
        w.server
          .getArray<ChatMessage>(ROOTS.page.msgs)
          .toArray()
          .map((m) => m.body),
      ).toEqual(['before reload', 'after reload'])
    }
  })

  it('refuses a message from someone else, unknown fields, strings and nested types', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(BOB)])
    expect(reason(w.check(a, ANN))).toBe('message author is not the sender')

    const b = w.client(ANN)
    b.getArray(ROOTS.page.msgs).push([{ ...msg(ANN), extra: 1 }])
    expect(reason(w.check(b, ANN))).toBe('message has unknown fields')

    const c = w.client(ANN)
    c.getText('msgs').insert(0, 'text')
    expect(w.check(c, ANN).ok).toBe(false)

    const d = w.client(ANN)
    d.getArray(ROOTS.page.msgs).push([new Y.Map()])
    expect(reason(w.check(d, ANN))).toBe('content type is not allowed')
  })

  it('refuses inserting before existing messages (append only) and roots outside the grammar', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    expect(w.check(a, ANN).ok).toBe(true)
    const b = w.client(BOB)
    b.getArray(ROOTS.page.msgs).insert(0, [msg(BOB)])
    expect(reason(w.check(b, BOB))).toBe('only appends are allowed')
    const c = w.client(BOB)
    c.getArray('other').push([1])
    expect(reason(w.check(c, BOB))).toBe('root is not allowed')
  })

  it('refuses deleting messages, even your own', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    expect(w.check(a, ANN).ok).toBe(true)
    const sv = Y.encodeStateVector(w.server)
    a.getArray(ROOTS.page.msgs).delete(0, 1)
    // the reason a client reads as "it had been sent after all" (models/refused.ts)
    expect(reason(w.check(a, ANN, Y.encodeStateAsUpdate(a, sv)))).toBe(MESSAGE_HELD)
  })

  it('takes a message of mine withdrawn before the server had it, its words gone; not one that keeps them', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    expect(w.check(a, ANN).ok).toBe(true)
    const sv = Y.encodeStateVector(w.server)
    a.getArray(ROOTS.page.msgs).push([msg(ANN, 'sent by mistake')])
    a.getArray(ROOTS.page.msgs).delete(1, 1)
    const update = Y.encodeStateAsUpdate(a, sv)
    expect(Buffer.from(update).includes(Buffer.from('sent by mistake'))).toBe(false)
    expect(w.check(a, ANN, update).ok).toBe(true)
    // a Y.Doc without gc sends the deleted message with its words: the server would keep them
    const keeps = new Y.Doc({ gc: false })
    Y.applyUpdate(keeps, Y.encodeStateAsUpdate(w.server))
    w.owners.set(keeps.clientID, ANN)
    keeps.getArray(ROOTS.page.msgs).push([msg(ANN, 'kept words')])
    keeps.getArray(ROOTS.page.msgs).delete(1, 1)
    expect(reason(w.check(keeps, ANN, Y.encodeStateAsUpdate(keeps, sv)))).toBe('deletes items that may not be deleted')
  })

  it('edits: own messages only, valid values only', () => {
    const w = new World('page')
    const a = w.client(ANN)
    const m = msg(ANN)
    a.getArray(ROOTS.page.msgs).push([m])
    expect(w.check(a, ANN).ok).toBe(true)
    const b = w.client(BOB)
    b.getMap(ROOTS.page.edits).set(m.id, { retracted: true, ts: 2 })
    expect(reason(w.check(b, BOB))).toBe('edits only your own messages of this page')
    a.getMap(ROOTS.page.edits).set(m.id, { body: 'fixed', ts: 2 })
    expect(w.check(a, ANN).ok).toBe(true)
    a.getMap(ROOTS.page.edits).set(m.id, { body: '', ts: 3 })
    expect(w.check(a, ANN).ok).toBe(false)
  })

  it('reactions: one of the set, on messages of this page, as yourself; only your own taken back', () => {
    const w = new World('page')
    const a = w.client(ANN)
    const m = msg(BOB)
    const b = w.client(BOB)
    b.getArray(ROOTS.page.msgs).push([m])
    expect(w.check(b, BOB).ok).toBe(true)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(w.server))

    a.getMap(ROOTS.page.reacts).set(reactKey(m.id, ANN), 'love')
    expect(reason(w.check(a, ANN))).toBe('accepted')
    // changing one's mind overwrites the one entry
    a.getMap(ROOTS.page.reacts).set(reactKey(m.id, ANN), 'laugh')
    expect(reason(w.check(a, ANN))).toBe('accepted')
    expect(w.server.getMap(ROOTS.page.reacts).toJSON()).toEqual({ [reactKey(m.id, ANN)]: 'laugh' })

    const forger = w.client(BOB)
    forger.getMap(ROOTS.page.reacts).set(reactKey(m.id, ANN), 'sad')
    expect(reason(w.check(forger, BOB))).toBe('reacts only as yourself')

    const unknown = w.client(ANN)
    unknown.getMap(ROOTS.page.reacts).set(reactKey('msg-not-on-this-page', ANN), 'like')
    expect(reason(w.check(unknown, ANN))).toBe('reacts only to messages of this page')

    const odd = w.client(ANN)
    odd.getMap(ROOTS.page.reacts).set(reactKey(m.id, ANN), 'javascript:alert(1)')
    expect(reason(w.check(odd, ANN))).toBe('reaction is unknown')
    const nested = w.client(ANN)
    nested.getMap(ROOTS.page.reacts).set(reactKey(m.id, ANN), { like: true })
    expect(reason(w.check(nested, ANN))).toBe('reaction is unknown')
    const bare = w.client(ANN)
    bare.getMap(ROOTS.page.reacts).set(m.id, 'like')
    expect(reason(w.check(bare, ANN))).toBe('reaction key is malformed')

    // someone else cannot take Ann's reaction away
    const taker = w.client(BOB)
    taker.getMap(ROOTS.page.reacts).delete(reactKey(m.id, ANN))
    expect(reason(w.check(taker, BOB))).toBe("deletes another user's items")

    // Ann can, from the device that put it there
    const sv = Y.encodeStateVector(w.server)
    a.getMap(ROOTS.page.reacts).delete(reactKey(m.id, ANN))
    expect(reason(w.check(a, ANN, Y.encodeStateAsUpdate(a, sv)))).toBe('accepted')
    expect(w.server.getMap(ROOTS.page.reacts).size).toBe(0)

    // a reaction and the message it is about may travel in one update
    const both = w.client(ANN)
    const mine = msg(ANN)
    both.getArray(ROOTS.page.msgs).push([mine])
    both.getMap(ROOTS.page.reacts).set(reactKey(mine.id, ANN), 'ok')
    expect(reason(w.check(both, ANN))).toBe('accepted')
  })

  it('refuses a reused message id', () => {
    const w = new World('page')
    const a = w.client(ANN)
    const m = msg(ANN)
    a.getArray(ROOTS.page.msgs).push([m])
    expect(w.check(a, ANN).ok).toBe(true)
    const b = w.client(BOB)
    b.getArray(ROOTS.page.msgs).push([{ ...m, from: BOB }])
    expect(reason(w.check(b, BOB))).toBe('message id is taken')
  })

  it('refuses an origin the server does not have, and a gap above the server state', () => {
    const w = new World('page')
    const a = w.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    const first = Y.encodeStateAsUpdate(a)
    const sv = Y.encodeStateVector(a)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    const second = Y.encodeStateAsUpdate(a, sv)
    expect(reason(w.check(a, ANN, second))).toBe('update leaves a gap')
    expect(w.check(a, ANN, first).ok).toBe(true)
    expect(w.check(a, ANN, second).ok).toBe(true)
  })

  it('closed and full pages refuse appends; a blocked author appends as before', () => {
    const closed = new World('page', conv({ page: 3 }), 1)
    const a = closed.client(ANN)
    a.getArray(ROOTS.page.msgs).push([msg(ANN)])
    expect(reason(closed.check(a, ANN))).toBe('page is closed')

    const full = new World('page')
    const b = full.client(ANN)
    b.getArray(ROOTS.page.msgs).push(Array.from({ length: PAGE_HARD_LIMIT + 1 }, () => msg(ANN)))
    expect(reason(full.check(b, ANN))).toBe('page is full')

    // a member whom the other member of a direct chat blocked appends like anyone, and must not notice
    // the block: what they write is hidden from the one who blocked them (server/chats/hidden.ts)
    const last = { preview: '', from: '', ts: 0 }
    const hidden = new Map([[BOB, { author: ANN, ranges: [{ skip: 0, from: 0, to: null }], last }]])
    const blocked = new World('page', conv({ kind: 'direct', hidden }))
    const c = blocked.client(ANN)
    c.getArray(ROOTS.page.msgs).push([msg(ANN)])
    const v = blocked.check(c, ANN)
    expect(v.ok).toBe(true)
  })
})

describe('validateUpdate: head and inbox docs', () => {
  it('reads: own key, never lower, never past the current page', () => {
    const w = new World('head')
    const a = w.client(ANN)
    a.getMap(ROOTS.head.reads).set(ANN, 5)
    const v = w.check(a, ANN)
    expect(v.ok === true && v.readPos).toBe(5)
    a.getMap(ROOTS.head.reads).set(ANN, 3)
    expect(reason(w.check(a, ANN))).toBe('read position is out of range')
    const b = w.client(ANN)
    b.getMap(ROOTS.head.reads).set(ANN, PAGE_STRIDE + 1)
    expect(reason(w.check(b, ANN))).toBe('read position is out of range')
    const c = w.client(BOB)
    c.getMap(ROOTS.head.reads).set(ANN, 9)
    expect(reason(w.check(c, BOB))).toBe('read position of another user')
  })

  it('reads: an overwrite is fine, a bare delete is not', () => {
    const w = new World('head')
    const a = w.client(ANN)
    a.getMap(ROOTS.head.reads).set(ANN, 5)
    expect(w.check(a, ANN).ok).toBe(true)
    a.getMap(ROOTS.head.reads).set(ANN, 7)
    expect(w.check(a, ANN).ok).toBe(true)
    const sv = Y.encodeStateVector(w.server)
    a.getMap(ROOTS.head.reads).delete(ANN)
    expect(reason(w.check(a, ANN, Y.encodeStateAsUpdate(a, sv)))).toBe('deletes items that may not be deleted')
  })

  it('reads: several overwrites between syncs (read while offline), with and without gc', () => {
    for (const gc of [true, false]) {
      const w = new World('head')
      const a = new Y.Doc({ gc })
      Y.applyUpdate(a, Y.encodeStateAsUpdate(w.server))
      w.owners.set(a.clientID, ANN)
      a.getMap(ROOTS.head.reads).set(ANN, 2)
      expect(w.check(a, ANN).ok).toBe(true)
      for (const pos of [3, 4, 5, 6]) a.getMap(ROOTS.head.reads).set(ANN, pos)
      expect(reason(w.check(a, ANN))).toBe('accepted')
      expect(w.server.getMap(ROOTS.head.reads).get(ANN)).toBe(6)
    }
  })

  it('meta and chats are written by the server only', () => {
    const head = new World('head')
    const a = head.client(ANN)
    a.getMap(ROOTS.head.meta).set('title', 'x')
    expect(reason(head.check(a, ANN))).toBe('meta is written by the server only')
    const inbox = new World('inbox', null)
    const b = inbox.client(ANN)
    b.getMap(ROOTS.inbox.chats).set('x', 1)
    expect(reason(inbox.check(b, ANN))).toBe('chats is written by the server only')
  })

  it('settings: named keys, JSON values, bounded size; deleting a setting is fine', () => {
    const w = new World('inbox', null)
    const a = w.client(ANN)
    a.getMap(ROOTS.inbox.settings).set('theme', { dark: true })
    expect(w.check(a, ANN).ok).toBe(true)
    const sv = Y.encodeStateVector(w.server)
    a.getMap(ROOTS.inbox.settings).delete('theme')
    expect(w.check(a, ANN, Y.encodeStateAsUpdate(a, sv)).ok).toBe(true)
    a.getMap(ROOTS.inbox.settings).set('1bad', 1)
    expect(reason(w.check(a, ANN))).toBe('setting name is malformed')
    const b = w.client(ANN)
    b.getMap(ROOTS.inbox.settings).set('big', 'x'.repeat(5000))
    expect(reason(w.check(b, ANN))).toBe('setting is too large')
    const c = w.client(ANN)
    c.getMap(ROOTS.inbox.settings).set('bin', new Uint8Array([1]))
    expect(w.check(c, ANN).ok).toBe(false)
  })

  it(`settings: at most ${MAX_SETTINGS} keys; one that is held may still change`, () => {
    const w = new World('inbox', null)
    const a = w.client(ANN)
    a.transact(() => {
      for (let i = 0; i < MAX_SETTINGS - 1; i++) a.getMap(ROOTS.inbox.settings).set(`k${i}`, i)
    })
    expect(w.check(a, ANN).ok).toBe(true)
    // two new keys where one fits: the whole update is refused
    a.getMap(ROOTS.inbox.settings).set('one', 1)
    a.getMap(ROOTS.inbox.settings).set('two', 2)
    expect(reason(w.check(a, ANN))).toBe(`an inbox holds at most ${MAX_SETTINGS} settings`)
    const b = w.client(ANN)
    b.getMap(ROOTS.inbox.settings).set('one', 1)
    expect(w.check(b, ANN).ok).toBe(true)
    const c = w.client(ANN)
    c.getMap(ROOTS.inbox.settings).set('k0', 'changed')
    expect(w.check(c, ANN).ok).toBe(true)
    c.getMap(ROOTS.inbox.settings).set('three', 3)
    expect(reason(w.check(c, ANN))).toBe(`an inbox holds at most ${MAX_SETTINGS} settings`)
  })

  it('server-bound clientIDs cannot be used by users', () => {
    const w = new World('head')
    const s = w.client(SERVER)
    s.getMap(ROOTS.head.reads).set(ANN, 1)
    expect(reason(w.check(s, ANN))).toBe('clientID belongs to another user')
  })
})
