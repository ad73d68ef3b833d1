// Invite links through the real HTTP API: making, previewing and accepting group and friend links,
// expiry, revoking, unknown tokens, blocks, and who may make a group link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, Chat, Friends, InviteAccepted, InviteLink, InvitePreview, Session } from '../../protocol/api.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'

describe.each(backends())('invite links (%s)', (backend) => {
  let s: RunningServer
  let n = 0
  const trio = async (): Promise<[Session, Session, Session]> => {
    n++
    return [await signUp(s, `ina${n}`, 'Ina'), await signUp(s, `jo${n}`, 'Jo'), await signUp(s, `ki${n}`, 'Ki')]
  }
  const group = async (owner: Session, others: Session[]) =>
    (
      await api<Chat>(s, owner.token, 'POST', '/api/chats/group', {
        title: 'Hikers',
        userIds: others.map((o) => o.user.id),
      })
    ).body
  const link = async (who: Session, body: object) => {
    const r = await api<InviteLink>(s, who.token, 'POST', '/api/invites', body)
    expect(r.status).toBe(201)
    return r.body
  }
  const code = (r: { body: unknown }) => (r.body as ApiError).error.code

  beforeAll(async () => {
    s = await startTestServer(backend)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('a group link shows the group without joining, and accepting it makes a member, once', async () => {
    const [ina, jo, ki] = await trio()
    const chat = await group(ina, [jo])
    // any member may make one
    const inv = await link(jo, { kind: 'group', convId: chat.id })
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(inv.expires - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000)
    expect((await api<InviteLink[]>(s, jo.token, 'GET', '/api/invites')).body.map((i) => i.token)).toEqual([inv.token])

    const pre = await api<InvitePreview>(s, ki.token, 'GET', `/api/invites/${inv.token}`)
    expect(pre.status).toBe(200)
    expect(pre.body).toMatchObject({ kind: 'group', group: { id: chat.id, title: 'Hikers', members: 2 }, done: false })
    expect(pre.body.from.id).toBe(jo.user.id)
    // previewing joined nobody, and signed-out callers see nothing
    expect((await api(s, ki.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(403)
    expect((await api(s, null, 'GET', `/api/invites/${inv.token}`)).status).toBe(401)

    const acc = await api<InviteAccepted>(s, ki.token, 'POST', `/api/invites/${inv.token}/accept`)
    expect(acc.status).toBe(200)
    expect(acc.body.kind).toBe('group')
    const again = await api<InviteAccepted>(s, ki.token, 'POST', `/api/invites/${inv.token}/accept`)
    expect(again.status).toBe(200)
    const members = (await api<Chat>(s, ina.token, 'GET', `/api/chats/${chat.id}`)).body.members.map((m) => m.id)
    expect(members.sort()).toEqual([ina.user.id, jo.user.id, ki.user.id].sort())
    expect((await api<InvitePreview>(s, ki.token, 'GET', `/api/invites/${inv.token}`)).body.done).toBe(true)
  })

  it("someone the owner removed cannot come back through a link, one made before included; a member's invitation brings them back", async () => {
    const [ina, jo, ki] = await trio()
    const chat = await group(ina, [jo, ki])
    const members = async () =>
      (await api<Chat>(s, ina.token, 'GET', `/api/chats/${chat.id}`)).body.members.map((m) => m.id).sort()
    // a link Ki could keep, and one made after the removal
    const before = await link(jo, { kind: 'group', convId: chat.id })
    expect((await api(s, ina.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: ki.user.id })).status).toBe(200)
    const after = await link(jo, { kind: 'group', convId: chat.id })
    // the preview says so before Join is tried, to Ki only
    const seen = await api<InvitePreview>(s, ki.token, 'GET', `/api/invites/${after.token}`)
    expect([seen.body.done, seen.body.removed]).toEqual([false, true])
    expect((await api<InvitePreview>(s, ina.token, 'GET', `/api/invites/${after.token}`)).body.removed).toBeUndefined()
    for (const inv of [before, after]) {
      const r = await api(s, ki.token, 'POST', `/api/invites/${inv.token}/accept`)
      expect(r.status).toBe(403)
      expect(code(r)).toBe('forbidden')
    }
    expect(await members()).toEqual([ina.user.id, jo.user.id].sort())
    expect((await api(s, ki.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(403)

    // Jo adds Ki again: a member's choice, which the link could not make
    await api(s, jo.token, 'POST', '/api/friends', { userId: ki.user.id })
    expect((await api(s, jo.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [ki.user.id] })).status).toBe(200)
    expect(await members()).toEqual([ina.user.id, jo.user.id, ki.user.id].sort())
    expect((await api<InvitePreview>(s, ki.token, 'GET', `/api/invites/${after.token}`)).body.removed).toBeUndefined()
    // who left of their own accord may come back through a link
    expect((await api(s, ki.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    expect((await api(s, ki.token, 'POST', `/api/invites/${after.token}/accept`)).status).toBe(200)
    expect(await members()).toEqual([ina.user.id, jo.user.id, ki.user.id].sort())
  })

  it("a maker's group link goes off when they leave or are removed, and stays off when they come back", async () => {
    const [ina, jo, ki] = await trio()
    const chat = await group(ina, [jo])
    const removedOnes = await link(jo, { kind: 'group', convId: chat.id })
    const leaversOne = await link(ina, { kind: 'group', convId: chat.id })
    expect((await api(s, ina.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: jo.user.id })).status).toBe(200)
    let r = await api(s, ki.token, 'GET', `/api/invites/${removedOnes.token}`)
    expect([r.status, code(r)]).toEqual([410, 'invite_revoked'])
    // the owner adds Jo again: the link Jo made before stays off, for a preview and for joining
    await api(s, ina.token, 'POST', '/api/friends', { userId: jo.user.id })
    expect((await api(s, ina.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [jo.user.id] })).status).toBe(200)
    r = await api(s, ki.token, 'GET', `/api/invites/${removedOnes.token}`)
    expect([r.status, code(r)]).toEqual([410, 'invite_revoked'])
    r = await api(s, ki.token, 'POST', `/api/invites/${removedOnes.token}/accept`)
    expect([r.status, code(r)]).toEqual([410, 'invite_revoked'])
    // the same for one who left of their own accord and was invited back
    expect((await api(s, ina.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    await api(s, jo.token, 'POST', '/api/friends', { userId: ina.user.id })
    expect((await api(s, jo.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [ina.user.id] })).status).toBe(200)
    r = await api(s, ki.token, 'POST', `/api/invites/${leaversOne.token}/accept`)
    expect([r.status, code(r)]).toEqual([410, 'invite_revoked'])
    expect((await api(s, ki.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(403)
    // a link made since works
    const fresh = await link(jo, { kind: 'group', convId: chat.id })
    expect((await api(s, ki.token, 'POST', `/api/invites/${fresh.token}/accept`)).status).toBe(200)
  })

  it('only members make group links, and only for groups', async () => {
    const [ina, jo, ki] = await trio()
    const chat = await group(ina, [jo])
    const r = await api(s, ki.token, 'POST', '/api/invites', { kind: 'group', convId: chat.id })
    expect(r.status).toBe(403)
    const direct = (await api<Chat>(s, ina.token, 'POST', '/api/chats/direct', { userId: jo.user.id })).body
    expect((await api(s, ina.token, 'POST', '/api/invites', { kind: 'group', convId: direct.id })).status).toBe(400)
    expect((await api(s, ina.token, 'POST', '/api/invites', { kind: 'friend', days: 31 })).status).toBe(400)
    // a group link without its group is a malformed request, not an unknown chat
    expect((await api(s, ina.token, 'POST', '/api/invites', { kind: 'group' })).status).toBe(400)
    expect((await api(s, ina.token, 'POST', '/api/invites', { kind: 'group', convId: 'nosuchchat01' })).status).toBe(404)
  })

  it('expired and revoked links answer 410, unknown ones 404', async () => {
    const [ina, jo, ki] = await trio()
    const chat = await group(ina, [jo])
    const old = await link(ina, { kind: 'group', convId: chat.id, days: 1 })
    await s.db.run('UPDATE invites SET expires = ? WHERE token = ?', [Date.now() - 1000, old.token])
    let r = await api(s, ki.token, 'GET', `/api/invites/${old.token}`)
    expect([r.status, code(r)]).toEqual([410, 'invite_expired'])
    r = await api(s, ki.token, 'POST', `/api/invites/${old.token}/accept`)
    expect([r.status, code(r)]).toEqual([410, 'invite_expired'])

    const inv = await link(ina, { kind: 'group', convId: chat.id })
    // only its maker may turn it off
    expect((await api(s, jo.token, 'DELETE', `/api/invites/${inv.token}`)).status).toBe(404)
    expect((await api(s, ina.token, 'DELETE', `/api/invites/${inv.token}`)).status).toBe(204)
    r = await api(s, ki.token, 'POST', `/api/invites/${inv.token}/accept`)
    expect([r.status, code(r)]).toEqual([410, 'invite_revoked'])
    expect((await api(s, ki.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(403)
    expect((await api<InviteLink[]>(s, ina.token, 'GET', '/api/invites')).body).toEqual([])

    r = await api(s, ki.token, 'GET', `/api/invites/${'x'.repeat(24)}`)
    expect([r.status, code(r)]).toEqual([404, 'not_found'])
    expect((await api(s, ki.token, 'POST', '/api/invites/nope/accept')).status).toBe(404)
  })

  it('a friend link adds its maker; someone they blocked gets the unknown answer', async () => {
    const [ina, jo, ki] = await trio()
    const inv = await link(ina, { kind: 'friend' })
    const pre = await api<InvitePreview>(s, jo.token, 'GET', `/api/invites/${inv.token}`)
    expect(pre.body).toMatchObject({ kind: 'friend', done: false, from: { id: ina.user.id, name: 'Ina' } })
    for (let i = 0; i < 2; i++) {
      const acc = await api<InviteAccepted>(s, jo.token, 'POST', `/api/invites/${inv.token}/accept`)
      expect(acc.status).toBe(200)
    }
    const f = (await api<Friends>(s, jo.token, 'GET', '/api/friends')).body
    expect(f.friends.map((p) => p.id)).toEqual([ina.user.id])

    await api(s, ina.token, 'POST', `/api/friends/${ki.user.id}/block`)
    const unknown = await api(s, ki.token, 'GET', `/api/invites/${'y'.repeat(24)}`)
    for (const r of [
      await api(s, ki.token, 'GET', `/api/invites/${inv.token}`),
      await api(s, ki.token, 'POST', `/api/invites/${inv.token}/accept`),
    ]) {
      expect(r.status).toBe(404)
      expect(r.body).toEqual(unknown.body)
    }
    expect((await api<Friends>(s, ki.token, 'GET', '/api/friends')).body.friends).toEqual([])
  })

  it('limits how many links one person makes in an hour', async () => {
    const [ina] = await trio()
    let last = 0
    for (let i = 0; i < 31 && last !== 429; i++)
      last = (await api(s, ina.token, 'POST', '/api/invites', { kind: 'friend' })).status
    expect(last).toBe(429)
  })
})
