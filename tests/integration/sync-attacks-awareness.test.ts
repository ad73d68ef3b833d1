// Awareness attacks (issue 2): a state claiming another user, a state under a clientID bound to someone
// else, erasing someone else's presence, and an oversized state. Each closes the socket with 4400, and
// no member ever sees the claimed state.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { startTestServer } from '../fixtures/server.ts'
import { Raw, frameAwareness, frameAwarenessMany, freshClientId, message, msgs, newGroup, newUser, stock, until, type Stock, type User } from '../fixtures/attacks.ts'
import { CLOSE, MAX_AWARENESS_BYTES, pageDoc, type ChatMessage } from '../../protocol/index.ts'

type Server = Awaited<ReturnType<typeof startTestServer>>

describe.each(backends())('sync awareness attacks (%s)', (backend) => {
  let server: Server
  let base: string
  let wsBase: string
  const open: { destroy(): void }[] = []
  const raws: Raw[] = []

  beforeAll(async () => {
    server = await startTestServer(backend)
    base = server.url
    wsBase = base.replace(/^http/, 'ws')
  })
  afterAll(async () => { await server?.close() })
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy()
    for (const r of raws.splice(0)) r.close()
  })

  const keep = <T extends { destroy(): void }>(s: T): T => { open.push(s); return s }

  async function scene() {
    const [a, b, c] = await Promise.all([newUser(base, 'a'), newUser(base, 'b'), newUser(base, 'c')])
    const chat = await newGroup(base, a, [b, c])
    const page = pageDoc(chat.id, chat.page)
    const aClient = freshClientId()
    const A = keep(await stock(wsBase, page, a.token, { clientID: aClient }))
    const C = keep(await stock(wsBase, page, c.token))
    // a binds its clientID by writing, and shows up as typing
    A.doc.getArray<ChatMessage>('msgs').push([message(a.id, 'hi')])
    await until(() => msgs(C.doc).length === 1, 'a\'s message reaching c')
    A.provider.awareness.setLocalState({ user: { id: a.id }, typing: true })
    await until(() => stateAt(C, aClient)?.typing === true, 'a\'s typing state reaching c')
    return { a, b, c, page, A, C, aClient }
  }

  type State = { user?: { id?: string }; typing?: boolean } | undefined
  const stateAt = (s: Stock, client: number): State => s.provider.awareness.getStates().get(client) as State

  /** c changes its own state; once a sees it, anything refused before it would have arrived too. */
  async function awarenessFence(sc: Awaited<ReturnType<typeof scene>>) {
    const tag = Math.random().toString(36).slice(2)
    sc.C.provider.awareness.setLocalState({ user: { id: sc.c.id }, typing: true, tag })
    await until(() => (stateAt(sc.A, sc.C.doc.clientID) as { tag?: string } | undefined)?.tag === tag, 'c\'s awareness reaching a')
  }

  async function expectRefused(sc: Awaited<ReturnType<typeof scene>>, attacker: User, frame: Uint8Array, client: number) {
    const raw = await Raw.open(wsBase, sc.page, { token: attacker.token })
    raws.push(raw)
    raw.send(frame)
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
    await awarenessFence(sc)
    return client
  }

  it('relays an honest awareness state sent over the raw path (control)', async () => {
    const sc = await scene()
    const raw = await Raw.open(wsBase, sc.page, { token: sc.b.token })
    raws.push(raw)
    const client = freshClientId()
    raw.send(frameAwareness(client, 1, { user: { id: sc.b.id }, typing: true }))
    await until(() => stateAt(sc.A, client)?.user?.id === sc.b.id, 'b\'s typing state reaching a')
    expect(raw.isOpen).toBe(true)
  })

  it('refuses an awareness state that claims another user', async () => {
    const sc = await scene()
    const client = freshClientId()
    await expectRefused(sc, sc.b, frameAwareness(client, 1, { user: { id: sc.a.id }, typing: true }), client)
    for (const w of [sc.A, sc.C]) expect(stateAt(w, client)).toBeUndefined()
    expect([...sc.C.provider.awareness.getStates().values()].filter((st) => (st as State)?.user?.id === sc.a.id)).toHaveLength(1)
  })

  it('refuses an awareness state under a clientID bound to another user, even when it names the sender', async () => {
    const sc = await scene()
    await expectRefused(sc, sc.b, frameAwareness(sc.aClient, 1_000, { user: { id: sc.b.id }, typing: false }), sc.aClient)
    expect(stateAt(sc.C, sc.aClient)).toEqual({ user: { id: sc.a.id }, typing: true })
  })

  it('refuses erasing another user\'s presence (a null state for their clientID)', async () => {
    const sc = await scene()
    await expectRefused(sc, sc.b, frameAwareness(sc.aClient, 1_000, null), sc.aClient)
    expect(stateAt(sc.C, sc.aClient)).toEqual({ user: { id: sc.a.id }, typing: true })
  })

  it('refuses a frame that carries one honest state and one claiming another user', async () => {
    const sc = await scene()
    const honest = freshClientId()
    const forged = freshClientId()
    const frame = frameAwarenessMany([
      { clientID: honest, clock: 1, state: { user: { id: sc.b.id }, typing: true } },
      { clientID: forged, clock: 1, state: { user: { id: sc.c.id }, typing: true } },
    ])
    await expectRefused(sc, sc.b, frame, forged)
    for (const w of [sc.A, sc.C]) {
      expect(stateAt(w, honest)).toBeUndefined()
      expect(stateAt(w, forged)).toBeUndefined()
    }
  })

  it(`refuses an awareness state over ${MAX_AWARENESS_BYTES} bytes`, async () => {
    const sc = await scene()
    const client = freshClientId()
    await expectRefused(sc, sc.b, frameAwareness(client, 1, { user: { id: sc.b.id }, typing: true, pad: 'p'.repeat(MAX_AWARENESS_BYTES) }), client)
    for (const w of [sc.A, sc.C]) expect(stateAt(w, client)).toBeUndefined()
  })
})
