// What must hold across three nodes behind HAProxy (round-robin, no stickiness), checked from outside as
// an attacker or a third-party client would: forged and malformed input through a node that relays to
// the home's owner is refused and changes nothing, a clientID stays its first writer's on every node,
// the socket cap counts a user's sockets on all nodes, the sign-in throttle and the sign-up limit hold
// whichever node takes a request, offline writes arrive exactly once after a reconnect to another node,
// and any node serves any client.
import { Redis } from 'ioredis'
import * as Y from 'yjs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { bodies, connect, send, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import {
  Raw,
  craft,
  fence,
  freshClientId,
  freshLook,
  look,
  message,
  msgs,
  newGroup,
  newUser,
  sameSnapshot,
  stock,
  upgradeStatus as rawUpgradeStatus,
  type User,
} from '../fixtures/attacks.ts'
import { Keys } from '../../server/cluster/keys.ts'
import { CLOSE, headDoc, inboxDoc, MSG_SYNC, pageDoc, type ChatMessage } from '../../protocol/index.ts'
import type { Chat, Session } from '../../protocol/api.ts'

const ws = (server: { url: string }) => server.url.replace(/^http/, 'ws')
const svOf = (doc: Y.Doc) => Y.decodeStateVector(Y.encodeStateVector(doc))

/**
 * A cluster with a Redis prefix the test knows, so that it can read which node holds a home's lease: the
 * scenarios below mean something only when the attacker's node is not the owner, and that is checked
 * rather than assumed.
 */
async function startKnownCluster(env: Record<string, string> = {}) {
  const prefix = `g${Math.random().toString(36).slice(2, 10)}:`
  const cluster = await startCluster({ nodes: 3, env: { SORI_REDIS_PREFIX: prefix, ...env } })
  const redis = new Redis(cluster.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  const keys = new Keys(prefix)
  /** The index in cluster.nodes of the node that owns `home`, or -1 when none does. */
  const owner = async (home: string): Promise<number> => {
    const id = await redis.get(keys.home(home))
    const address = id ? await redis.get(keys.node(id)) : null
    return address ? cluster.nodes.findIndex((n) => address.endsWith(`:${n.port}`)) : -1
  }
  const stop = async () => {
    redis.disconnect()
    await cluster.stop()
  }
  return { cluster, owner, stop }
}

/** How many requests the balancer sent to each node (by its index in cluster.nodes) between two readings of its stats. */
function servedBetween(
  cluster: Cluster,
  before: Awaited<ReturnType<Cluster['balancer']['states']>>,
  after: Awaited<ReturnType<Cluster['balancer']['states']>>,
): number[] {
  return cluster.nodes.map((n) => (after.get(n.port)?.served ?? 0) - (before.get(n.port)?.served ?? 0))
}

/**
 * Sends `request` through the balancer, one at a time, until every node has taken at least one (three
 * under round-robin; a few more are allowed): what each answered, with the node that took it.
 */
async function onEveryNode<T>(cluster: Cluster, request: () => Promise<T>): Promise<{ node: number; result: T }[]> {
  const out: { node: number; result: T }[] = []
  const seen = new Set<number>()
  for (let i = 0; i < 3 * cluster.nodes.length && seen.size < cluster.nodes.length; i++) {
    const before = await cluster.balancer.states()
    const result = await request()
    const served = servedBetween(cluster, before, await cluster.balancer.states())
    expect(served.reduce((s, v) => s + v, 0)).toBe(1)
    const node = served.findIndex((v) => v === 1)
    seen.add(node)
    out.push({ node, result })
  }
  expect([...seen].sort()).toEqual(cluster.nodes.map((_, i) => i))
  return out
}

/** The URL of an upgrade of /sync/<doc> on `server` with the token in the query, for upgradeStatus. */
const upgradeUrl = (server: { url: string }, doc: string, token: string) =>
  `${syncUrl(server)}/${doc}?token=${encodeURIComponent(token)}`

describe.skipIf(!backends().includes('postgres'))('several nodes: guarantees (postgres)', () => {
  describe('on one cluster', () => {
    let cluster: Cluster
    let owner: (home: string) => Promise<number>
    let stopCluster: (() => Promise<void>) | undefined
    const open: { destroy(): void }[] = []
    const raws: Raw[] = []
    beforeAll(async () => {
      // every user here signs up from 127.0.0.1: the sign-up limit has a cluster of its own below
      const k = await startKnownCluster({ SORI_SIGNUPS_PER_HOUR: '0' })
      ;({ cluster, owner, stop: stopCluster } = k)
    }, 120_000)
    afterEach(() => {
      for (const s of open.splice(0).reverse()) s.destroy()
      for (const r of raws.splice(0)) r.close()
    })
    afterAll(async () => {
      await stopCluster?.()
    })
    const keep = <T extends { destroy(): void }>(s: T): T => {
      open.push(s)
      return s
    }
    /** A raw socket of `u` on node `i` (the attacker's), closed after the test. */
    const rawOn = async (i: number, doc: string, u: User) => {
      const r = await Raw.open(ws(cluster.nodes[i]), doc, { token: u.token, ack: true })
      raws.push(r)
      return r
    }
    let n = 0
    const user = (name: string): Promise<Session> => signUp(cluster, `${name}${n++}`, name)

    it('refuses forged and malformed input that comes through a node other than the owner, and nothing changes', async () => {
      const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((p) => newUser(cluster.url, p)))
      // created through node 0, which loads the chat to write its head: node 0 owns the chat's home
      const chat = await newGroup(cluster.nodes[0].url, a, [b, c])
      const page = pageDoc(chat.id, chat.page)
      // the victim on the owner; a second member through node 2 (relayed to the owner)
      const A = keep(await stock(ws(cluster.nodes[0]), page, a.token, { clientID: freshClientId() }))
      const C = keep(await stock(ws(cluster.nodes[2]), page, c.token))
      expect(await owner(chat.id)).toBe(0)
      const m1 = message(a.id, 'hello from a')
      A.doc.getArray<ChatMessage>('msgs').push([m1])
      await until(() => msgs(C.doc).some((m) => m.id === m1.id), 'm1 reaching c')

      /**
       * Runs `attack` on a raw socket of b's on node `i`; then the socket is closed with 4400 without an
       * acknowledgement, and A, C and a fresh client through the balancer hold what they held plus a
       * marker C writes afterwards (so whatever was refused had its chance to get through first).
       */
      const refused = async (i: number, attack: (raw: Raw) => Promise<number | null>) => {
        expect(await owner(chat.id)).not.toBe(i)
        const before = look(A.doc, page).json as { msgs: ChatMessage[] }
        const svBefore = svOf(A.doc)
        const raw = await rawOn(i, page, b)
        const attackerClient = await attack(raw)
        const marker = await fence(C, c.id, [A])
        const expected = { ...before, msgs: [...before.msgs, marker] }
        for (const w of [A, C]) {
          const l = look(w.doc, page)
          expect(l.json).toEqual(expected)
          expect(l.otherRoots).toEqual([])
          for (const [client, clock] of svOf(w.doc)) if (client !== C.doc.clientID) expect(clock).toBe(svBefore.get(client))
        }
        const fresh = await freshLook(ws(cluster), page, c.token)
        expect(fresh.json).toEqual(expected)
        expect(sameSnapshot(fresh.doc, A.doc)).toBe(true)
        if (attackerClient !== null) {
          expect(fresh.clients.has(attackerClient)).toBe(false)
          expect(raw.acks().some((sv) => sv.has(attackerClient))).toBe(false)
        }
        expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
        expect(A.closes).toEqual([])
      }
      const write = (mutate: (d: Y.Doc) => void) => async (raw: Raw) => {
        const client = freshClientId()
        raw.sendUpdate((await craft(raw, client, mutate)).update)
        return client
      }

      // a member writing a message whose `from` is another member
      await refused(
        1,
        write((d) => d.getArray('msgs').push([message(a.id, 'forged: a says pay me')])),
      )
      // deleting someone else's message, and editing it
      await refused(
        2,
        write((d) => d.getArray('msgs').delete(0, 1)),
      )
      await refused(
        1,
        write((d) => d.getMap('edits').set(m1.id, { body: 'a now says something else', ts: Date.now() })),
      )
      // malformed frames, after a normal handshake: a truncated varint, a sync update of garbage, a text frame
      await refused(2, async (raw) => {
        await raw.sync(new Y.Doc())
        raw.send(new Uint8Array([0x80]))
        return null
      })
      await refused(1, async (raw) => {
        await raw.sync(new Y.Doc())
        raw.send(new Uint8Array([MSG_SYNC, 2, 8, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]))
        return null
      })
      await refused(2, async (raw) => {
        raw.ws.send('hello, server', { binary: false })
        return null
      })

      // refused at the upgrade on every node, the owner's answer passed on by the relaying node
      for (const i of [0, 1, 2]) {
        const on = ws(cluster.nodes[i])
        // a non-member, for the head and the page; someone else's inbox
        expect([i, await rawUpgradeStatus(on, page, { token: d.token })]).toEqual([i, 403])
        expect([i, await rawUpgradeStatus(on, headDoc(chat.id), { token: d.token })]).toEqual([i, 403])
        expect([i, await rawUpgradeStatus(on, inboxDoc(a.id), { token: b.token })]).toEqual([i, 403])
        // names outside the documented forms
        for (const name of [`c:${chat.id}x`, `c:${chat.id}:01`, 'x:abc', `u:${a.id}:0`])
          expect([i, name, await rawUpgradeStatus(on, name, { token: a.token })]).toEqual([i, name, 404])
      }
      const marker = await fence(A, a.id, [C])
      expect(msgs(A.doc).filter((m) => m.from !== c.id)).toEqual([m1, marker])
      expect(A.closes).toEqual([])
      expect(C.closes).toEqual([])
    })

    it("keeps a clientID its first writer's on every node", async () => {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((p) => newUser(cluster.url, p)))
      // chat 1 (a and b) owned by node 0, chat 2 (b and c, without a) by node 2
      const one = await newGroup(cluster.nodes[0].url, a, [b], 'one')
      const two = await newGroup(cluster.nodes[2].url, b, [c], 'two')
      const page1 = pageDoc(one.id, one.page)
      const page2 = pageDoc(two.id, two.page)
      const C = keep(await stock(ws(cluster.nodes[2]), page2, c.token))
      const x = freshClientId()
      const doc = new Y.Doc()
      doc.clientID = x
      const A = keep(await connect(cluster.nodes[0], a.token, page1, { doc, ack: true }))
      send(A, a.id, 'a writes with x')
      await until(() => A.ackedClock() >= 1, "the acknowledgement of a's message")
      expect([await owner(one.id), await owner(two.id)]).toEqual([0, 2])

      // b takes x in chat 2: on the owner directly, and through node 1
      const stolen: ChatMessage[] = []
      for (const i of [2, 1]) {
        const raw = await rawOn(i, page2, b)
        const m = message(b.id, `b with a's clientID, through node ${i}`)
        stolen.push(m)
        raw.sendUpdate((await craft(raw, x, (d) => d.getArray('msgs').push([m]))).update)
        expect([i, (await raw.closeCode()).code]).toEqual([i, CLOSE.REFUSED])
        expect(raw.acks().some((sv) => sv.has(x))).toBe(false)
      }
      const marker = await fence(C, c.id, [])
      expect(msgs(C.doc)).toEqual([marker])
      const fresh = await freshLook(ws(cluster), page2, b.token)
      expect(fresh.json.msgs).toEqual([marker])
      expect(fresh.clients.has(x)).toBe(false)

      // with a clientID nobody has used, b's message goes through (relayed from node 1)
      const raw = await rawOn(1, page2, b)
      const own = freshClientId()
      const ok = message(b.id, 'b with a clientID of its own')
      raw.sendUpdate((await craft(raw, own, (d) => d.getArray('msgs').push([ok]))).update)
      await until(() => raw.acks().some((sv) => (sv.get(own) ?? 0) >= 1), "the acknowledgement of b's message")
      await until(() => msgs(C.doc).some((m) => m.id === ok.id), "b's message reaching c")
      expect(msgs(C.doc)).toEqual([marker, ok])
      expect(raw.isOpen).toBe(true)
      // and chat 1 holds a's message alone
      expect((await freshLook(ws(cluster), page1, b.token)).json.msgs).toEqual(msgs(A.doc))
      expect(msgs(A.doc).map((m) => m.body)).toEqual(['a writes with x'])
    })

    it('sends offline writes exactly once after reconnecting, through another node each time', async () => {
      const [ann, bob] = [await user('oa'), await user('ob')]
      const chat = (await api<Chat>(cluster, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
      const page = pageDoc(chat.id, chat.page)
      const doc = keep(new Y.Doc())
      const first = keep(await connect(cluster, ann.token, page, { doc, ack: true, connect: false }))
      const written: string[] = []
      for (let i = 0; i < 5; i++) written.push(send(first, ann.user.id, `offline ${i}`).body)

      // connected through the balancer: the node it lands on is read from the balancer's counts
      const before = await cluster.balancer.states()
      first.provider.connect()
      await until(() => first.provider.synced, 'the first sync')
      await until(() => first.ackedClock() >= 5, 'acknowledgements for the five offline messages')
      const served = servedBetween(cluster, before, await cluster.balancer.states())
      expect(served.reduce((s, v) => s + v, 0)).toBe(1)
      const entry = served.findIndex((v) => v === 1)

      // bob on a node of his own, then ann's second reconnect on the third
      const bobNode = (entry + 1) % 3
      const annNode = (entry + 2) % 3
      const B = keep(await connect(cluster.nodes[bobNode], bob.token, page))
      await until(() => bodies(B).length >= 5, 'bob has the five messages')
      expect(bodies(B)).toEqual(written)

      first.provider.destroy()
      for (let i = 5; i < 8; i++) written.push(send(first, ann.user.id, `offline ${i}`).body)
      const second = keep(await connect(cluster.nodes[annNode], ann.token, page, { doc, ack: true }))
      await until(() => second.ackedClock() >= 8, 'acknowledgements for all eight messages')
      await until(() => bodies(B).length >= 8, 'bob has all eight')
      expect(bodies(B)).toEqual(written)
      expect(new Set(msgs(B.doc).map((m) => m.id)).size).toBe(8)
      const fresh = keep(await connect(cluster, bob.token, page))
      expect(bodies(fresh)).toEqual(written)
      expect(bodies(second)).toEqual(written)
    })

    it('serves twenty consecutive upgrades of one doc on whichever node the balancer picks', async () => {
      const eve = await user('ne')
      const chat = (await api<Chat>(cluster, eve.token, 'POST', '/api/chats/group', { title: 'notes', userIds: [] })).body
      const page = pageDoc(chat.id, chat.page)
      const before = await cluster.balancer.states()
      const expected: string[] = []
      let sv = new Map<number, number>()
      for (let i = 0; i < 20; i++) {
        const c: SyncClient = await connect(cluster, eve.token, page, { ack: true })
        // what the previous socket wrote and had acknowledged, whichever node it went through
        expect([i, bodies(c)]).toEqual([i, expected])
        expect(svOf(c.doc)).toEqual(sv)
        expected.push(send(c, eve.user.id, `visit ${i}`).body)
        await until(() => c.ackedClock() >= 1, `the acknowledgement of visit ${i}`)
        sv = svOf(c.doc)
        c.destroy()
      }
      const served = servedBetween(cluster, before, await cluster.balancer.states())
      expect(served.reduce((s, v) => s + v, 0)).toBe(20)
      for (const s of served) expect(s).toBeGreaterThanOrEqual(1)
    })
  })

  describe('with at most four sockets per user', () => {
    let k: Awaited<ReturnType<typeof startKnownCluster>> | undefined
    const open: SyncClient[] = []
    beforeAll(async () => {
      k = await startKnownCluster({ SORI_MAX_SOCKETS_PER_USER: '4', SORI_SIGNUPS_PER_HOUR: '0' })
    }, 120_000)
    afterAll(async () => {
      for (const c of open) c.destroy()
      await k?.stop()
    })

    it("counts a user's sockets on every node", async () => {
      const { cluster, owner } = k!
      const [n0, n1, n2] = cluster.nodes
      const u = await signUp(cluster, 'capped')
      // each chat is created through the node that is to own it (it loads the head to write it)
      const group = async (on: { url: string }, title: string) =>
        (await api<Chat>(on, u.token, 'POST', '/api/chats/group', { title, userIds: [] })).body
      const [x, y] = [await group(n1, 'x'), await group(n2, 'y')]
      const held = async (on: { url: string }, doc: string) => {
        const c = await connect(on, u.token, doc)
        open.push(c)
        return c
      }
      await held(n0, inboxDoc(u.user.id))
      await held(n1, pageDoc(x.id, x.page))
      const onTwo = await held(n2, pageDoc(y.id, y.page))
      await held(n2, headDoc(y.id))
      // the four sockets are on three nodes
      expect([await owner(inboxDoc(u.user.id)), await owner(x.id), await owner(y.id)]).toEqual([0, 1, 2])

      // a fifth, on any node and for a doc of any home (its own, or one relayed), is refused once the counts are shared
      const docs = [inboxDoc(u.user.id), headDoc(x.id), pageDoc(y.id, y.page)]
      const fifth = async () => {
        const out: number[] = []
        for (const node of cluster.nodes) for (const doc of docs) out.push(await upgradeStatus(upgradeUrl(node, doc, u.token)))
        return out
      }
      await until(async () => (await fifth()).every((s) => s === 429), 'every node refusing a fifth socket', 20_000)
      expect(await fifth()).toEqual(docs.flatMap(() => [429, 429, 429]))

      // one closed on node 2 frees a place on node 0
      onTwo.destroy()
      await until(
        async () => (await upgradeStatus(upgradeUrl(n0, inboxDoc(u.user.id), u.token))) === 101,
        'node 0 taking a socket again',
      )
      // one place only: a socket held on node 1 fills it, and node 2 refuses again
      await held(n1, pageDoc(x.id, x.page))
      await until(
        async () => (await upgradeStatus(upgradeUrl(n2, pageDoc(y.id, y.page), u.token))) === 429,
        'node 2 refusing once the place is taken',
      )
    })
  })

  describe('with at most three sign-ups an hour from one address', () => {
    let k: Awaited<ReturnType<typeof startKnownCluster>> | undefined
    beforeAll(async () => {
      k = await startKnownCluster({ SORI_SIGNUPS_PER_HOUR: '3' })
    }, 120_000)
    afterAll(async () => {
      await k?.stop()
    })

    it('throttles sign-in and limits sign-ups whichever node takes each request', async () => {
      const { cluster } = k!
      const states = () => cluster.balancer.states()
      const signin = (password: string) =>
        api<{ error?: { code: string } }>(cluster, null, 'POST', '/api/signin', { handle: 'throttled', password })
      const signup = (handle: string) =>
        api<{ error?: { code: string } }>(cluster, null, 'POST', '/api/signup', { handle, name: handle, password: TEST_PASSWORD })

      expect((await signup('throttled')).status).toBe(201)

      // five wrong passwords, spread by the balancer over the three nodes: each answered 401
      const before = await states()
      for (let i = 0; i < 5; i++) {
        const r = await signin(`wrong password ${i}`)
        expect([i, r.status, r.body.error?.code]).toEqual([i, 401, 'wrong_credentials'])
      }
      for (const s of servedBetween(cluster, before, await states())) expect(s).toBeGreaterThanOrEqual(1)
      // the handle is locked now on every node: the next attempts, even with the right password, are 429
      for (const { node, result: r } of await onEveryNode(cluster, () => signin(TEST_PASSWORD))) {
        expect([node, r.status, r.body.error?.code]).toEqual([node, 429, 'too_many_attempts'])
        const retry = Number(r.headers.get('retry-after'))
        expect(retry).toBeGreaterThan(0)
        expect(retry).toBeLessThanOrEqual(30)
      }

      // sign-ups: the first above went through, two more do, and then none does on any node
      expect((await signup('second')).status).toBe(201)
      expect((await signup('third')).status).toBe(201)
      const refused: string[] = []
      const late = () => {
        refused.push(`late${refused.length}`)
        return signup(refused[refused.length - 1])
      }
      for (const { node, result: r } of await onEveryNode(cluster, late)) {
        expect([node, r.status, r.body.error?.code]).toEqual([node, 429, 'too_many_attempts'])
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      // and no account was made for them
      for (const handle of refused) {
        const r = await api(cluster, null, 'POST', '/api/signin', { handle, password: TEST_PASSWORD })
        expect([handle, r.status]).toEqual([handle, 401])
      }
    })
  })
})
