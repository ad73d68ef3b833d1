// A clientID that writes into a document stays in it for good, and in every copy: a user may bring only
// so many new ones into one document (and into all of them) in a while (server/sync/claim-quota.ts).
// Past it the update is refused with 4029 and nothing of it is kept; clientIDs the document knows write on.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { freshClientId, freshLook, newGroup, newUser, until, type Raw, type User } from '../fixtures/attacks.ts'
import { handUpdate } from '../fixtures/hand-update.ts'
import { CLOSE, inboxDoc } from '../../protocol/index.ts'

// read by the server as it starts: 4 new clientIDs a document, 6 in all, per user and window
process.env.SORI_CLAIMS_PER_DOC = '4'
process.env.SORI_CLAIMS_PER_USER = '6'

describe.each(backends())('new clientIDs in a document (%s)', (backend) => {
  const srv = attackHarness(backend)

  /** Sets `key` in `u`'s inbox settings under `client` (its clock `clock`, after its value before) on a socket of its own. */
  async function set(u: User, key: string, client: number, clock = 0): Promise<Raw> {
    const raw = await srv.rawOpen(inboxDoc(u.id), u)
    // a later value of the same client follows its earlier one, as map.set writes it
    const item = clock === 0 ? { parent: 'settings', sub: key } : { origin: [client, clock - 1] as [number, number] }
    raw.sendUpdate(handUpdate([{ client, clock, items: [{ ...item, values: [clock] }] }]))
    return raw
  }
  const acked = (raw: Raw, client: number) => until(() => raw.acks().some((sv) => sv.has(client)), `${client} acknowledged`)
  const settings = async (u: User) =>
    (await freshLook(srv.wsBase, inboxDoc(u.id), u.token)).json.settings as Record<string, unknown> | undefined

  it('takes a few new clientIDs into a document, refuses more with 4029, and lets known ones write on', async () => {
    const u = await newUser(srv.base, 'q')
    const clients = Array.from({ length: 5 }, () => freshClientId())
    for (const [i, c] of clients.slice(0, 4).entries()) await acked(await set(u, `k${i}`, c), c)
    const over = await set(u, 'k4', clients[4])
    expect((await over.closeCode()).code).toBe(CLOSE.SLOW_DOWN)
    expect(await settings(u)).not.toHaveProperty('k4')
    // a clientID the document holds writes on
    const again = await set(u, 'k0', clients[0], 1)
    await acked(again, clients[0])
    expect(await settings(u)).toMatchObject({ k0: 1, k1: 0, k2: 0, k3: 0 })
    // and so may another user
    const other = await newUser(srv.base, 'r')
    const c = freshClientId()
    await acked(await set(other, 'k0', c), c)
  })

  it("counts a user's new clientIDs across documents too", async () => {
    const u = await newUser(srv.base, 's')
    for (let i = 0; i < 4; i++) {
      const c = freshClientId()
      await acked(await set(u, `k${i}`, c), c)
    }
    // a chat's head: two more new clientIDs make six in all; the seventh is refused
    const other = await newUser(srv.base, 't')
    const chat = await newGroup(srv.base, u, [other])
    const head = `c:${chat.id}`
    // each read position set after the one before, as a device that saw it sets it
    const read = async (client: number, pos: number, after?: number) => {
      const raw = await srv.rawOpen(head, u)
      const item = after === undefined ? { parent: 'reads', sub: u.id } : { origin: [after, 0] as [number, number] }
      raw.sendUpdate(handUpdate([{ client, clock: 0, items: [{ ...item, values: [pos] }] }]))
      return raw
    }
    const [c1, c2, c3] = [freshClientId(), freshClientId(), freshClientId()]
    await acked(await read(c1, 1), c1)
    await acked(await read(c2, 2, c1), c2)
    const r3 = await read(c3, 3, c2)
    expect((await r3.closeCode()).code).toBe(CLOSE.SLOW_DOWN)
    const stored = new Y.Doc()
    Y.applyUpdate(stored, Y.encodeStateAsUpdate((await freshLook(srv.wsBase, head, u.token)).doc))
    expect(Y.getState(stored.store, c3)).toBe(0)
  })
})
