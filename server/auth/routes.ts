// POST /api/signup, /api/signin, /api/signout, /api/signout-all (and the account's own: account-routes.ts)
import type { Session } from '../../protocol/api.ts'
import type { ApiContext } from '../api/context.ts'
import { requireCaller } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { isUniqueViolation } from '../api/unique.ts'
import { takeBudget } from '../http/budget.ts'
import { HttpError } from '../http/errors.ts'
import { asObject, optStr, str } from '../http/input.ts'
import { addressBlock, remoteAddress } from '../http/remote.ts'
import type { Router } from '../http/router.ts'
import { loadMe } from '../users/profiles.ts'
import { freeExpiredHandle } from '../users/delete-account.ts'
import { accountRoutes } from './account-routes.ts'
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.ts'
import { checkHandle, checkLang, checkName, checkPassword, cleanDevice, normalizeHandle } from './rules.ts'
import { createSession, endAllSessions, endSession } from './sessions.ts'
import {
  ADDRESS_LIMIT,
  HANDLE_LIMIT,
  addressKey,
  clearKey,
  countSignup,
  forgiveAttempt,
  handleKey,
  reserveAttempt,
} from './throttle.ts'
import { MAX_PASSWORD_CHARS } from '../../protocol/limits.ts'

const handleTaken = () => new HttpError(409, 'handle_taken', 'That handle is taken. Choose another one.')
/** Sign-ups refused for a taken ID, per address (an IPv6 /64) and hour: far above someone choosing a name. */
const TAKEN_PER_HOUR = 60
const wrongCredentials = () => new HttpError(401, 'wrong_credentials', 'The handle or the password is wrong.')
const tooMany = (ms: number) => {
  const s = Math.ceil(ms / 1000)
  return new HttpError(429, 'too_many_attempts', `Too many sign-in attempts. Try again in ${s} seconds.`, {
    'Retry-After': String(s),
  })
}

export function authRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  r.post('/api/signup', async (call) => {
    const b = asObject(await call.body())
    const handle = checkHandle(str(b, 'handle'))
    const name = checkName(str(b, 'name'))
    const password = checkPassword(str(b, 'password'))
    const langIn = optStr(b, 'lang')
    const lang = langIn === undefined ? 'en' : checkLang(langIn)
    const device = cleanDevice(optStr(b, 'device'))
    await freeExpiredHandle(db, handle, ctx.handleGraceDays)
    const taken =
      !!(await db.get('SELECT 1 AS x FROM users WHERE handle = ?', [handle])) ||
      // a channel's ID is the channel's: an account "@starmusic" would pass for it in every chat (channels
      // do the same the other way round: channels/routes.ts)
      !!(await db.get('SELECT 1 AS x FROM channels WHERE handle = ?', [handle]))
    if (taken) {
      // a taken ID answers without signing in: one address asking for thousands would list who is on Sori
      if (ctx.signupsPerHour > 0) {
        const block = addressBlock(remoteAddress(call.req, ctx.trustProxy))
        const s = await takeBudget(db, `taken:${block}`, 1, TAKEN_PER_HOUR, 3_600_000)
        if (s)
          throw new HttpError(
            429,
            'too_many_attempts',
            `Too many IDs tried from this address. Try again in ${Math.ceil(s / 60)} minutes.`,
            { 'Retry-After': String(s) },
          )
      }
      throw handleTaken()
    }
    // counted only for sign-ups that could succeed (taken IDs have a count of their own, above)
    if (ctx.signupsPerHour > 0) {
      const wait = await countSignup(db, addressBlock(remoteAddress(call.req, ctx.trustProxy)), ctx.signupsPerHour)
      if (wait > 0) {
        const s = Math.ceil(wait / 1000)
        throw new HttpError(
          429,
          'too_many_attempts',
          `Too many new accounts from this address. Try again in ${Math.ceil(s / 60)} minutes.`,
          { 'Retry-After': String(s) },
        )
      }
    }
    const pass = await hashPassword(password)
    const id = newId()
    let token: string
    try {
      token = await db.tx(async (q) => {
        await q.run('INSERT INTO users (id, handle, name, status, pass, lang, created) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          id,
          handle,
          name,
          '',
          pass,
          lang,
          Date.now(),
        ])
        // a new account has no other session to end
        return (await createSession(q, id, device)).token
      })
    } catch (e) {
      // two sign-ups raced for the same handle
      if (isUniqueViolation(e)) throw handleTaken()
      throw e
    }
    const body: Session = { token, user: { id, handle, name, status: '', lang } }
    return { status: 201, body }
  })

  r.post('/api/signin', async (call) => {
    const b = asObject(await call.body())
    const handle = normalizeHandle(str(b, 'handle'))
    const password = str(b, 'password')
    const device = cleanDevice(optStr(b, 'device'))
    const hKey = handleKey(handle)
    const aKey = addressKey(addressBlock(remoteAddress(call.req, ctx.trustProxy)))
    // the address first: a locked address does not get to count attempts against anyone's handle
    const aWait = await reserveAttempt(db, aKey, ADDRESS_LIMIT)
    if (aWait) throw tooMany(aWait)
    const hWait = await reserveAttempt(db, hKey, HANDLE_LIMIT)
    if (hWait) {
      // refused without a password check: no failure for the address either, as a locked address is none for the handle
      await forgiveAttempt(db, aKey)
      throw tooMany(hWait)
    }
    // unknown handles take the same path and the same time as known ones: the answer does not tell them apart
    const user = await db.get<{ id: string; pass: string }>('SELECT id, pass FROM users WHERE handle = ? AND deleted = 0', [
      handle,
    ])
    const ok =
      password.length <= MAX_PASSWORD_CHARS && user
        ? await verifyPassword(password, user.pass)
        : (await burnPasswordCheck(password.slice(0, MAX_PASSWORD_CHARS)), false)
    if (!ok || !user) throw wrongCredentials()
    await clearKey(db, hKey)
    await forgiveAttempt(db, aKey)
    // The password checked must still be the account's when the session is made: a change of password (or a
    // deletion) between the two signed every other device out, and would have missed this one. On Postgres
    // the row is locked against that change until the session is in, so the change sees it and ends it.
    const made = await db.tx(async (q) =>
      (await q.get(
        `SELECT 1 AS x FROM users WHERE id = ? AND pass = ? AND deleted = 0${db.dialect === 'postgres' ? ' FOR SHARE' : ''}`,
        [user.id, user.pass],
      ))
        ? createSession(q, user.id, device)
        : null,
    )
    if (!made) throw wrongCredentials()
    // the device used longest ago, past the number an account may be signed in on
    if (made.ended.length) ctx.sync.sessionsRevoked(made.ended)
    const { token } = made
    const me = await loadMe(db, user.id)
    if (!me) throw wrongCredentials()
    const body: Session = { token, user: me }
    return { status: 200, body }
  })

  r.post('/api/signout', async (call) => {
    const me = await requireCaller(ctx, call)
    const ids = await endSession(db, me.sessionId)
    if (ids.length) ctx.sync.sessionsRevoked(ids)
    return { status: 204 }
  })

  r.post('/api/signout-all', async (call) => {
    const me = await requireCaller(ctx, call)
    const ids = await endAllSessions(db, me.userId)
    if (ids.length) ctx.sync.sessionsRevoked(ids)
    return { status: 204 }
  })

  accountRoutes(r, ctx)
}
