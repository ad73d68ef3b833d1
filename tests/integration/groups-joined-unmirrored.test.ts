// An invitation right after a message whose page is no longer loaded and whose length the relational
// mirror has not written yet: the chat still rolls over, so the newcomer does not get that message.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, syncUrl, until, upgradeStatus } from '../fixtures/sync-client.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'

// the mirror stays behind for the whole test, and a page nobody has open is dropped at once
process.env.SORI_MIRROR_MS = '600000'
process.env.SORI_DOC_IDLE_MS = '50'

describe.each(backends())('joining while the mirror lags (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('the page rolls over although neither the tables nor a loaded document know its message', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `um_ann_${tag}`),
      await signUp(suite.server, `um_bob_${tag}`),
      await signUp(suite.server, `um_cy_${tag}`),
    ]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'lag', userIds: [bob.user.id] }))
      .body
    const a0 = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    send(a0, ann.user.id, 'said before cy came')
    await until(() => a0.ackedClock() > 0, 'the message is committed')
    a0.destroy()
    await until(() => !suite.server.sync.docs.get(pageDoc(chat.id, 0)), 'the page is dropped from memory')
    const row = await suite.server.db.get<{ length: number }>('SELECT length FROM conv_pages WHERE conv_id = ? AND page = 0', [
      chat.id,
    ])
    expect(Number(row?.length ?? 0)).toBe(0) // what this test is about: the tables do not know yet

    const invited = await api<Chat>(suite.server, bob.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })
    expect(invited.status).toBe(200)
    expect(invited.body.page).toBe(1)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${pageDoc(chat.id, 0)}?token=${cy.token}`)).toBe(403)
  })
})
