// A user whose frames take more CPU than their budget (server/sync/cpu-budget.ts) is slowed down, not
// refused: with a budget small enough that every few heavy updates pause the sender's socket, everything
// they write still arrives, in order, and the socket stays open.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, message, msgs, until } from '../fixtures/sync-client.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'

describe.each(backends())('the CPU budget of a user (%s)', (backend) => {
  // 2 ms a second, 5 ms at once: a few updates of a hundred messages each are over it
  beforeAll(() => {
    vi.stubEnv('SORI_USER_CPU_MS', '2')
    return () => vi.unstubAllEnvs()
  })
  const suite = serverSuite(backend)

  it('slows a heavy writer down without losing or refusing anything', async () => {
    const ann = await signUp(suite.server, `heavy_${backend.slice(0, 2)}`)
    const bob = await signUp(suite.server, `reader_${backend.slice(0, 2)}`)
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    const b = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    suite.keep(a)
    suite.keep(b)
    const sent: string[] = []
    // one at a time, so that each comes after the sender's socket was told to rest (frames already read
    // when it rests are handled anyway)
    for (let u = 0; u < 4; u++) {
      const batch = Array.from({ length: 100 }, (_, i) => message(ann.user.id, `update ${u}, message ${i}: ${'x'.repeat(80)}`))
      a.doc.transact(() => msgs(a).push(batch))
      sent.push(...batch.map((m) => m.body))
      await until(() => bodies(b).length === sent.length, `update ${u} reaches bob`, 60_000)
    }
    expect(bodies(b)).toEqual(sent)
    expect(a.closes).toEqual([])
  })
})
