// Two server nodes over one Postgres database and one Redis (docs/scaling.md), each with a disk of its
// own: an upload started on one node goes on on the other, and the blob is served by both, with no
// shared disk.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import type { RunningServer } from '../../server/app.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { announce, download, offsetOf, patch, sendMedia } from '../fixtures/media.ts'
import { api, signUp, startServerOn } from '../fixtures/server.ts'

describe.runIf(backends().includes('postgres'))('media across two nodes (postgres)', () => {
  const nodes: RunningServer[] = []
  beforeAll(async () => {
    const databaseUrl = await freshDatabaseUrl('postgres')
    const redisPrefix = `t${process.pid}${Math.random().toString(36).slice(2, 8)}:`
    for (let i = 0; i < 2; i++) nodes.push(await startServerOn(databaseUrl, { redisUrl: 'redis://127.0.0.1:6379', redisPrefix }))
  })
  afterAll(async () => {
    for (const n of nodes) await n.close()
  })

  it('an upload begun on one node is finished on the other, and both serve it', async () => {
    const [one, two] = nodes
    expect(one.media.store.kind).toBe('postgres')
    const ann = await signUp(one, 'nodes_ann')
    const bob = await signUp(one, 'nodes_bob')
    const chat = (await api<Chat>(one, ann.token, 'POST', '/api/chats/group', { title: 'Nodes', userIds: [bob.user.id] })).body
    const bytes = randomBytes(700_000)
    const { id } = (await announce(one, ann.token, chat.id, { kind: 'file', size: bytes.length })).body
    expect((await patch(one, ann.token, id, 0, bytes.subarray(0, 300_000))).status).toBe(204)
    expect(await offsetOf(two, ann.token, id)).toEqual({ status: 204, offset: 300_000 })
    const done = await patch(two, ann.token, id, 300_000, bytes.subarray(300_000))
    expect(done.status).toBe(201)
    const blobId = done.body?.id ?? ''
    // sent through the first node, fetched from both
    if (!done.body) throw new Error('no blob')
    await sendMedia(one, ann, chat.id, done.body)
    for (const node of nodes) {
      const got = await download(node, bob.token, blobId, { Range: 'bytes=250000-350000' })
      expect(got.status).toBe(206)
      expect(got.bytes.equals(bytes.subarray(250_000, 350_001))).toBe(true)
    }
  })
})
