// GET /api/friends, POST /api/friends, POST /api/friends/:id/{hide,block,unblock}, DELETE /api/friends/:id
import type { Friends } from '../../protocol/api.ts'
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { directKey } from '../chats/direct-key.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { asObject, str } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import type { FriendState } from './blocks.ts'
import { profilesInState, profilesWhoAdded } from './profiles.ts'

export function friendRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  /**
   * The other user, who must exist and not be the caller; a deleted account only for what takes it off
   * a list (`gone`: unblock, remove).
   */
  async function target(me: string, id: string, gone = false): Promise<string> {
    if (!ENTITY_ID_RE.test(id)) throw notFound('No such user.')
    if (id === me) throw badRequest('That is you.')
    const sql = gone ? 'SELECT 1 AS x FROM users WHERE id = ?' : 'SELECT 1 AS x FROM users WHERE id = ? AND deleted = 0'
    if (!(await db.get(sql, [id]))) throw notFound('No such user.')
    return id
  }

  const stateOf = async (me: string, other: string) =>
    (await db.get<{ state: FriendState }>('SELECT state FROM friends WHERE user_id = ? AND friend_id = ?', [me, other]))?.state

  const setState = (me: string, other: string, state: FriendState) =>
    db.run(
      'INSERT INTO friends (user_id, friend_id, state, created) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, friend_id) DO UPDATE SET state = excluded.state',
      [me, other, state, Date.now()],
    )

  /**
   * `me` blocked or unblocked `other`: in their direct chat, what `other` writes is hidden from `me` from
   * now on, or no longer (`other` notices neither). The change is made whatever happens there, so a
   * failure is logged rather than turned into an error; the chat repairs its ranges from the blocks
   * when it is next read.
   */
  async function blockChanged(me: string, other: string): Promise<void> {
    const conv = await db.get<{ id: string }>('SELECT id FROM convs WHERE direct_key = ?', [directKey(me, other)])
    if (!conv) return
    try {
      await ctx.sync.blockChanged(conv.id, me, other)
    } catch (e) {
      console.error(`sync.blockChanged(${conv.id}) failed:`, e)
    }
  }

  r.get('/api/friends', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const body: Friends = {
      friends: await profilesInState(db, userId, 'friend'),
      addedMe: await profilesWhoAdded(db, userId),
      hidden: await profilesInState(db, userId, 'hidden'),
      blocked: await profilesInState(db, userId, 'blocked'),
    }
    return { status: 200, body }
  })

  r.post('/api/friends', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = await target(userId, str(asObject(await call.body()), 'userId'))
    const was = await stateOf(userId, other)
    if (was !== 'friend') await setState(userId, other, 'friend')
    if (was === 'blocked') await blockChanged(userId, other)
    return { status: 204 }
  })

  r.post('/api/friends/:id/hide', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = await target(userId, call.params.id)
    // hiding someone I blocked would quietly unblock them: a block stays until it is lifted
    if ((await stateOf(userId, other)) !== 'blocked') await setState(userId, other, 'hidden')
    return { status: 204 }
  })

  r.post('/api/friends/:id/block', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = await target(userId, call.params.id)
    if ((await stateOf(userId, other)) !== 'blocked') {
      // (the right-hand sides read the row as it was: what they were is kept for the unblock)
      await db.run(
        `INSERT INTO friends (user_id, friend_id, state, created, before_block) VALUES (?, ?, 'blocked', ?, '')
         ON CONFLICT (user_id, friend_id) DO UPDATE SET before_block = friends.state, state = 'blocked'`,
        [userId, other, Date.now()],
      )
      await blockChanged(userId, other)
    }
    return { status: 204 }
  })

  r.post('/api/friends/:id/unblock', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = await target(userId, call.params.id, true)
    // back to what they were: a friend (or hidden) before the block is one again; anyone else is no one
    const back = await db.run(
      `UPDATE friends SET state = before_block, before_block = ''
       WHERE user_id = ? AND friend_id = ? AND state = 'blocked' AND before_block IN ('friend', 'hidden')`,
      [userId, other],
    )
    const r = back.changes
      ? back
      : await db.run("DELETE FROM friends WHERE user_id = ? AND friend_id = ? AND state = 'blocked'", [userId, other])
    if (r.changes) await blockChanged(userId, other)
    return { status: 204 }
  })

  r.delete('/api/friends/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = await target(userId, call.params.id, true)
    const was = await stateOf(userId, other)
    await db.run('DELETE FROM friends WHERE user_id = ? AND friend_id = ?', [userId, other])
    if (was === 'blocked') await blockChanged(userId, other)
    return { status: 204 }
  })
}
