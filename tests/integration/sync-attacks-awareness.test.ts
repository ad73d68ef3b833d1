// Awareness attacks (issue 2): a state claiming another user, a state under a clientID bound to someone
// else, erasing someone else's presence, an oversized state. No member ever sees the claimed state.
// The witnesses here are raw sockets that record what the server relays (a stock client re-broadcasts
// every state it hears, which would mix the witness's own behaviour into the attack); the last test
// checks that honest stock clients, echoes included, live together with these defences.
import { describe, it, expect } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import {
  Raw,
  craft,
  frameAwareness,
  frameAwarenessMany,
  freshClientId,
  message,
  newGroup,
  newUser,
  sleep,
  stock,
  until,
  type Stock,
  type User,
} from '../fixtures/attacks.ts'
import { CLIENT_TAKEN, CLOSE, MAX_AWARENESS_BYTES, pageDoc } from '../../protocol/index.ts'

type State = { user?: { id?: string }; typing?: boolean; tag?: string } | undefined

describe.each(backends())('sync awareness attacks (%s)', (backend) => {
  const srv = attackHarness(backend)
  const { keep } = srv

  const rawOpen = (doc: string, u: User, ack = false) => srv.rawOpen(doc, u, ack)
  const stateAt = (r: Raw, client: number): State => r.awareness().get(client)?.state as State

  /** a (who bound aClient by writing a message) is typing; c watches; both over raw sockets */
  async function scene() {
    const [a, b, c] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b'), newUser(srv.base, 'c')])
    const chat = await newGroup(srv.base, a, [b, c])
    const page = pageDoc(chat.id, chat.page)
    const aClient = freshClientId()
    const cClient = freshClientId()
    const A = await rawOpen(page, a, true)
    const C = await rawOpen(page, c)
    A.sendUpdate((await craft(A, aClient, (d) => d.getArray('msgs').push([message(a.id, 'hi')]))).update)
    await until(() => A.acks().some((sv) => (sv.get(aClient) ?? 0) > 0), "a's message acknowledged (aClient bound to a)")
    A.send(frameAwareness(aClient, 1, { user: { id: a.id }, typing: true }))
    await until(() => stateAt(C, aClient)?.typing === true, "a's typing state reaching c")
    let clock = 0
    /** c changes its own state; once a hears it, anything refused before it would have been relayed too */
    const fence = async () => {
      const tag = `t${++clock}`
      C.send(frameAwareness(cClient, clock, { user: { id: c.id }, typing: true, tag }))
      await until(() => stateAt(A, cClient)?.tag === tag, "c's awareness reaching a")
    }
    return { a, b, c, page, A, C, aClient, fence }
  }

  async function attack(sc: Awaited<ReturnType<typeof scene>>, frame: Uint8Array) {
    const raw = await rawOpen(sc.page, sc.b)
    raw.send(frame)
    await sc.fence()
    return raw
  }

  it('relays an honest awareness state sent over the raw path (control)', async () => {
    const sc = await scene()
    const client = freshClientId()
    const raw = await attack(sc, frameAwareness(client, 1, { user: { id: sc.b.id }, typing: true }))
    await until(() => stateAt(sc.A, client)?.user?.id === sc.b.id, "b's typing state reaching a")
    expect(raw.isOpen).toBe(true)
  })

  it('refuses an awareness state that claims another user', async () => {
    const sc = await scene()
    const client = freshClientId()
    const raw = await attack(sc, frameAwareness(client, 1, { user: { id: sc.a.id }, typing: true }))
    for (const w of [sc.A, sc.C]) expect(stateAt(w, client)).toBeUndefined()
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  it('refuses an awareness state with a __proto__ key, at any depth, as updates are', async () => {
    const sc = await scene()
    for (const json of [
      `{"user":{"id":"${sc.b.id}"},"__proto__":{"admin":true}}`,
      `{"user":{"id":"${sc.b.id}","__proto__":{"x":1}}}`,
    ]) {
      const client = freshClientId()
      // JSON.parse keeps "__proto__" as a key of its own, which JSON.stringify writes back
      const raw = await attack(sc, frameAwareness(client, 1, JSON.parse(json)))
      for (const w of [sc.A, sc.C]) expect(stateAt(w, client)).toBeUndefined()
      expect(await raw.closeCode()).toEqual({ code: CLOSE.REFUSED, reason: 'awareness state has a __proto__ key' })
    }
  })

  it('refuses an awareness state under a clientID bound to another user, even when it names the sender', async () => {
    const sc = await scene()
    const raw = await attack(sc, frameAwareness(sc.aClient, 1_000, { user: { id: sc.b.id }, typing: false }))
    expect(stateAt(sc.C, sc.aClient)).toEqual({ user: { id: sc.a.id }, typing: true })
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  // A binding is for good: were announcements to bind, one account could take thousands of clientIDs a
  // second at no cost, and whoever drew one later could never write (4400 "clientID belongs to another user").
  it('binds nothing by an announcement: another user may later write with that clientID', async () => {
    const sc = await scene()
    const squatted = freshClientId()
    const squatter = await attack(sc, frameAwareness(squatted, 1, { user: { id: sc.b.id }, typing: true }))
    await until(() => stateAt(sc.A, squatted)?.user?.id === sc.b.id, "b's announcement relayed")
    squatter.close()
    await until(() => stateAt(sc.A, squatted) === null || stateAt(sc.A, squatted) === undefined, "b's state gone with b's socket")
    const C = await rawOpen(sc.page, sc.c, true)
    C.sendUpdate((await craft(C, squatted, (d) => d.getArray('msgs').push([message(sc.c.id, 'mine')]))).update)
    await until(() => C.isClosed || C.acks().some((sv) => (sv.get(squatted) ?? 0) > 0), "c's message with that clientID")
    expect(C.isClosed).toBe(false)
  })

  it("refuses an announcement under a clientID another user's open socket announces in the document", async () => {
    const sc = await scene()
    const held = freshClientId()
    const B = await attack(sc, frameAwareness(held, 1, { user: { id: sc.b.id }, typing: true }))
    await until(() => stateAt(sc.A, held)?.user?.id === sc.b.id, "b's announcement relayed")
    const C = await rawOpen(sc.page, sc.c)
    C.send(frameAwareness(held, 2, { user: { id: sc.c.id }, typing: false }))
    expect((await C.closeCode()).code).toBe(CLOSE.REFUSED)
    expect(stateAt(sc.A, held)).toEqual({ user: { id: sc.b.id }, typing: true })
    expect(B.isOpen).toBe(true)
  })

  // a member reads the clientID of another's typing state and writes with it first (anywhere: a binding
  // holds in every document): the other's next write under it would be refused, again and again
  it("refuses a first write, in any document, under a clientID another user's open socket announces", async () => {
    const sc = await scene()
    const held = freshClientId()
    const B = await attack(sc, frameAwareness(held, 1, { user: { id: sc.b.id }, typing: true }))
    await until(() => stateAt(sc.C, held)?.user?.id === sc.b.id, "b's announcement seen by c")
    // c writes with it in another chat of c's
    const other = await newGroup(srv.base, sc.c, [sc.a])
    const C = await rawOpen(pageDoc(other.id, other.page), sc.c, true)
    C.sendUpdate((await craft(C, held, (d) => d.getArray('msgs').push([message(sc.c.id, 'taken?')]))).update)
    const closed = await C.closeCode()
    expect(closed).toEqual({ code: CLOSE.REFUSED, reason: CLIENT_TAKEN })
    // and b still writes with it, where b announced it
    const Bw = await rawOpen(sc.page, sc.b, true)
    Bw.sendUpdate((await craft(Bw, held, (d) => d.getArray('msgs').push([message(sc.b.id, 'still mine')]))).update)
    await until(() => Bw.isClosed || Bw.acks().some((sv) => (sv.get(held) ?? 0) > 0), "b's message under its clientID")
    expect(Bw.isClosed).toBe(false)
    expect(B.isOpen).toBe(true)
  })

  it("does not let anyone erase another user's presence (a newer null state for their clientID)", async () => {
    const sc = await scene()
    await attack(sc, frameAwareness(sc.aClient, 1_000, null))
    // whether the sender is closed is not asserted: stock clients send such removals for peers they timed out
    expect(stateAt(sc.C, sc.aClient)).toEqual({ user: { id: sc.a.id }, typing: true })
  })

  it('refuses a frame that carries one honest state and one claiming another user, relaying neither', async () => {
    const sc = await scene()
    const honest = freshClientId()
    const forged = freshClientId()
    const raw = await attack(
      sc,
      frameAwarenessMany([
        { clientID: honest, clock: 1, state: { user: { id: sc.b.id }, typing: true } },
        { clientID: forged, clock: 1, state: { user: { id: sc.c.id }, typing: true } },
      ]),
    )
    for (const w of [sc.A, sc.C]) {
      expect(stateAt(w, honest)).toBeUndefined()
      expect(stateAt(w, forged)).toBeUndefined()
    }
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  it(`refuses an awareness state over ${MAX_AWARENESS_BYTES} bytes`, async () => {
    const sc = await scene()
    const client = freshClientId()
    const raw = await attack(
      sc,
      frameAwareness(client, 1, { user: { id: sc.b.id }, typing: true, pad: 'p'.repeat(MAX_AWARENESS_BYTES) }),
    )
    for (const w of [sc.A, sc.C]) expect(stateAt(w, client)).toBeUndefined()
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
  })

  // A stock client announces one awareness clientID per socket. One socket announcing tens of thousands
  // (64 per frame, the most one frame may carry) makes every member hold and receive them all, and each
  // new clientID is bound to the sender for good. The issue asks for bounded memory; 1,000 states from
  // one socket is far above any honest need and still a bound.
  it('does not relay tens of thousands of awareness clientIDs announced by one socket', async () => {
    const sc = await scene()
    const raw = await rawOpen(sc.page, sc.b)
    const sent: number[] = []
    for (let i = 0; i < 500 && !raw.isClosed; i++) {
      const entries = Array.from({ length: 64 }, () => ({
        clientID: freshClientId(),
        clock: 1,
        state: { user: { id: sc.b.id }, typing: true },
      }))
      sent.push(...entries.map((e) => e.clientID))
      raw.send(frameAwarenessMany(entries))
    }
    // the server relays accepted states to the sender too: once the last frame's entries come back (or
    // the socket is closed), everything before it has been dealt with
    const last = sent[sent.length - 1]
    await until(() => raw.isClosed || raw.awareness().has(last), 'the server to deal with the announcements', 30_000)
    await sc.fence()
    const heldByA = sc.A.awareness()
    const fromB = sent.filter((c) => heldByA.has(c)).length
    console.log(
      `${backend}: one socket announced ${sent.length} awareness clientIDs; a member holds ${fromB} of them; attacker socket ${raw.isClosed ? 'closed' : 'open'}`,
    )
    expect(fromB).toBeLessThanOrEqual(1_000)
  }, 60_000)

  // y-protocols' Awareness drops a peer's state that has not been renewed for 30 s (outdatedTimeout) and
  // broadcasts that removal: a null state, one clock newer, for the PEER's clientID. A peer whose
  // timers are throttled (a phone with the app in the background) stops renewing while its socket
  // stays up, so honest members send such removals. They must not be closed for it. 35 s of waiting:
  // one backend only (awareness does not touch storage).
  if (backend === 'sqlite') {
    it("keeps a stock client connected when it times out a silent peer's typing state", async () => {
      const [a, c] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'c')])
      const chat = await newGroup(srv.base, a, [c])
      const page = pageDoc(chat.id, chat.page)
      const C = keep(await stock(srv.wsBase, page, c.token))
      const aClient = freshClientId()
      // a announces itself once and then goes quiet, its socket still open
      const A = await rawOpen(page, a)
      A.send(frameAwareness(aClient, 1, { user: { id: a.id }, typing: true }))
      await until(() => C.provider.awareness.getStates().has(aClient), "a's state reaching c")
      await until(() => !C.provider.awareness.getStates().has(aClient) || C.closes.length > 0, 'c timing a out', 45_000)
      await sleep(1_000) // the removal c broadcast has reached the server
      expect(C.closes).toEqual([])
      expect(C.provider.wsconnected).toBe(true)
    }, 60_000)
  }

  it("keeps honest stock clients connected while they relay each other's typing states", async () => {
    const [a, b, c] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b'), newUser(srv.base, 'c')])
    const chat = await newGroup(srv.base, a, [b, c])
    const page = pageDoc(chat.id, chat.page)
    const [A, B, C]: Stock[] = [
      keep(await stock(srv.wsBase, page, a.token)),
      keep(await stock(srv.wsBase, page, b.token)),
      keep(await stock(srv.wsBase, page, c.token)),
    ]
    const seen = (w: Stock, s: Stock) => (w.provider.awareness.getStates().get(s.doc.clientID) as State)?.typing === true
    const closes = () => ({ a: A.closes, b: B.closes, c: C.closes })
    const anyClosed = () => A.closes.length + B.closes.length + C.closes.length > 0
    A.provider.awareness.setLocalState({ user: { id: a.id }, typing: true })
    await until(() => (seen(B, A) && seen(C, A)) || anyClosed(), 'a typing, seen by b and c')
    // stock clients re-broadcast every state they hear: those echoes are not attacks
    expect(closes()).toEqual({ a: [], b: [], c: [] })
    C.provider.awareness.setLocalState({ user: { id: c.id }, typing: true })
    await until(() => (seen(A, C) && seen(B, C)) || anyClosed(), 'c typing, seen by a and b')
    expect(closes()).toEqual({ a: [], b: [], c: [] })
    for (const s of [A, B, C]) expect(s.provider.wsconnected).toBe(true)
  })
})
