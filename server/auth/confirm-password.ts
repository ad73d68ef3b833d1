// The current password, asked again before what a stolen session must not be able to do alone (a new
// password, deleting the account). Counted against the handle's sign-in throttle, so it is no way to guess.
import type { Db } from '../db/db.ts'
import { HttpError, notFound } from '../http/errors.ts'
import { MAX_PASSWORD_CHARS } from '../../protocol/limits.ts'
import { verifyPassword } from './password.ts'
import { HANDLE_LIMIT, clearKey, handleKey, reserveAttempt } from './throttle.ts'

// 403, not 401: the session is fine, and a 401 tells clients their session is gone
const wrongPassword = () => new HttpError(403, 'wrong_credentials', 'The current password is wrong.')

/** Throws 403 wrong_credentials or 429 too_many_attempts unless `current` is the user's password. */
export async function confirmPassword(db: Db, userId: string, current: string): Promise<void> {
  const user = await db.get<{ handle: string; pass: string }>('SELECT handle, pass FROM users WHERE id = ? AND deleted = 0', [
    userId,
  ])
  if (!user) throw notFound('This account no longer exists.')
  const key = handleKey(user.handle)
  const wait = await reserveAttempt(db, key, HANDLE_LIMIT)
  if (wait) {
    const s = Math.ceil(wait / 1000)
    throw new HttpError(429, 'too_many_attempts', `Too many attempts. Try again in ${s} seconds.`, {
      'Retry-After': String(s),
    })
  }
  if (current.length > MAX_PASSWORD_CHARS || !(await verifyPassword(current, user.pass))) throw wrongPassword()
  await clearKey(db, key)
}
