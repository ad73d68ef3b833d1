// Three nodes on one Postgres and one Redis behind HAProxy (round-robin, no stickiness): members of one
// chat connected to different nodes get every message once and in one order, typing crosses nodes, the
// inbox entries (preview, unread) are right whichever node holds the inbox, and a membership change made
// through any node reaches the sockets and inboxes on the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { Chat, DataExport, Session } from '../../protocol/api.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import { readPosition } from '../../protocol/messages.ts'

describe.skipIf(!backends().includes('postgres'))('several nodes: chat (postgres)', () => {
  let cluster: Cluster
  const clients: SyncClient[] = []
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await cluster?.stop()
  })
  /** A socket on node `i` directly (the balancer would spread them anyway; this makes the spread certain). */
  const open = async (s: Session, doc: string, i: number, ack = false) => {
    const c = await connect(cluster.nodes[i], s.token, doc, { ack })
    clients.push(c)
    return c
  }
  let n = 0
  const user = (name: string) => signUp(cluster, `${name}${n++}`, name)

  it('a group with members on three nodes: every message once, in one order, acknowledged', async () => {
    const people = [await user('ga'), await user('gb'), await user('gc')]
    const chat = (
      await api<Chat>(cluster, people[0].token, 'POST', '/api/chats/group', {
        title: 'three nodes',
        userIds: people.slice(1).map((p) => p.user.id),
      })
    ).body
    const pages = await Promise.all(people.map((p, i) => open(p, pageDoc(chat.id, 0), i, true)))
    for (let round = 0; round < 5; round++) for (let i = 0; i < 3; i++) send(pages[i], people[i].user.id, `r${round} from ${i}`)
    await until(() => pages.every((c) => bodies(c).length === 15), 'everyone has all fifteen messages', 30_000)
    const order = bodies(pages[0])
    for (const c of pages) expect(bodies(c)).toEqual(order)
    expect(new Set(order).size).toBe(15)
    // every sender's messages are acknowledged, wherever its socket is
    for (const c of pages) await until(() => c.ackedClock() >= 5, 'acks for all five messages')

    // a reconnect to yet another node (through the balancer) loads what was committed
    const late = await connect(cluster, people[1].token, pageDoc(chat.id, 0))
    clients.push(late)
    expect(bodies(late)).toEqual(order)
  })

  it('typing crosses nodes', async () => {
    const [ann, bob] = [await user('ta'), await user('tb')]
    const chat = (await api<Chat>(cluster, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await open(ann, pageDoc(chat.id, 0), 0)
    const b = await open(bob, pageDoc(chat.id, 0), 2)
    a.provider.awareness.setLocalState({ user: { id: ann.user.id }, typing: true })
    const seen = () => [...b.provider.awareness.getStates().values()].some((s) => s.user?.id === ann.user.id && s.typing === true)
    await until(seen, 'bob sees ann typing')
    a.provider.awareness.setLocalState({ user: { id: ann.user.id }, typing: false })
    await until(() => !seen(), 'and sees it stop')
  })

  it('the inbox on another node shows the preview and the unread count, and follows reads', async () => {
    const [cat, dan] = [await user('ic'), await user('id')]
    // dan opened it: it is on his list before anyone writes
    const chat = (await api<Chat>(cluster, dan.token, 'POST', '/api/chats/direct', { userId: cat.user.id })).body
    // dan's inbox on node 1, the chat's page (where cat writes) on node 0, dan's head on node 2
    const inbox = await open(dan, inboxDoc(dan.user.id), 1)
    const entry = () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    await until(() => entry() !== undefined, 'the new chat appears in the inbox')
    const page = await open(cat, pageDoc(chat.id, 0), 0)
    for (let i = 0; i < 3; i++) send(page, cat.user.id, `note ${i}`)
    await until(() => entry()?.unread === 3, 'three unread in an inbox on another node')
    expect(entry()).toMatchObject({ preview: 'note 2', from: cat.user.id })
    const head = await open(dan, headDoc(chat.id), 2)
    head.doc.getMap<number>(ROOTS.head.reads).set(dan.user.id, readPosition(0, 2))
    await until(() => entry()?.unread === 1, 'one unread after reading two')
    // a fresh inbox through the balancer reads the same from wherever it loads
    const again = await connect(cluster, dan.token, inboxDoc(dan.user.id))
    clients.push(again)
    expect(again.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)).toMatchObject({ unread: 1, preview: 'note 2' })
  })

  it('a member removed through one node loses the sockets it has on the others', async () => {
    const [own, mem] = [await user('ro'), await user('rm')]
    const chat = (await api<Chat>(cluster, own.token, 'POST', '/api/chats/group', { title: 'remove', userIds: [mem.user.id] }))
      .body
    const page = await open(mem, pageDoc(chat.id, 0), 1)
    const inbox = await open(mem, inboxDoc(mem.user.id), 2)
    await until(() => inbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), 'the group is in the inbox')
    // the API call lands on whichever node the balancer picks
    const r = await api(cluster, own.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: mem.user.id })
    expect(r.status).toBe(200)
    await until(() => page.closes.some((c) => c.code === 4403), 'the removed member is closed with 4403')
    await until(() => !inbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), 'and the chat leaves their inbox')
  })

  it('the data export, served by any node, holds the caller’s messages of a chat another node holds', async () => {
    const [exp, peer] = [await user('xe'), await user('xp')]
    const chat = (await api<Chat>(cluster, exp.token, 'POST', '/api/chats/direct', { userId: peer.user.id })).body
    const page = await open(exp, pageDoc(chat.id, 0), 0, true)
    for (const b of ['one', 'two']) send(page, exp.user.id, b)
    await until(() => page.ackedClock() >= 2, 'both acknowledged')
    // one request per node: two of them do not hold the chat
    for (const node of cluster.nodes) {
      const r = await api<DataExport>(node, exp.token, 'GET', '/api/me/export')
      expect(r.status).toBe(200)
      expect(r.body.chats.find((c) => c.id === chat.id)?.messages.map((m) => m.body)).toEqual(['one', 'two'])
    }
  })

  it('signing out closes the session’s sockets on every node', async () => {
    const eve = await user('so')
    const socks = await Promise.all([0, 1, 2].map((i) => open(eve, inboxDoc(eve.user.id), i)))
    const r = await api(cluster, eve.token, 'POST', '/api/signout')
    expect(r.status).toBeLessThan(300)
    for (const s of socks) await until(() => s.closes.some((c) => c.code === 4401), 'closed with 4401')
  })
})
