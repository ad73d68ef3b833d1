// Coupons of channels: created by the channel's admins, saved by anyone to "My coupons", shown at the
// store as a short-lived signed code that the channel's admins redeem. The channel learns, of the people,
// only that a code was good: no answer here names who saved or redeemed (a redemption is stored under a
// per-coupon pseudonym). docs/protocol.md, "Coupons".
import {
  COUPON_CODE_MS,
  MAX_SAVED_COUPONS,
  type Coupon,
  type CouponCode,
  type CouponKey,
  type MyCoupon,
  type Redemption,
} from '../../protocol/coupons.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { requireAdmin, requireChannel } from '../channels/access.ts'
import { checkNewCoupon } from './input.ts'
import { loadCouponKeys, type CouponKeys } from './keys.ts'
import { makeCode, readCode } from './code.ts'
import { codeOfShort, issueShortCode, SHORT_CODE_GUESSES, shortDigits } from './short-code.ts'
import { forgiveAttempt, reserveAttempt } from '../auth/throttle.ts'
import { alreadyRedeemed, redeem, soldOut } from './redeem.ts'
import { COUPON_COLUMNS, couponRow, noCoupon, toCoupon, type CouponRow } from './view.ts'
import { newCouponId } from './ids.ts'

const codeInvalid = () => new HttpError(400, 'code_invalid', 'This is not a valid code for a coupon of this channel.')
const notValidNow = () => new HttpError(409, 'coupon_not_valid', 'This coupon cannot be used at this time.')

export function couponRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx
  let loading: Promise<CouponKeys> | null = null
  // made or read on first use: the API is set up before anything is awaited
  const keys = () =>
    (loading ??= loadCouponKeys(db).catch((e: unknown) => {
      loading = null
      throw e
    }))

  r.post('/api/channels/:id/coupons', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const channelId = call.params.id
    const c = checkNewCoupon(asObject(await call.body()))
    await requireAdmin(db, userId, channelId)
    const id = newCouponId()
    await db.run(
      `INSERT INTO coupons (id, channel_id, title, terms, valid_from, valid_to, quantity, stores, created, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, channelId, c.title, c.terms, c.validFrom, c.validTo, c.quantity, JSON.stringify(c.stores), Date.now(), userId],
    )
    return { status: 201, body: toCoupon(await couponRow(db, id)) }
  })

  // a channel's coupons, newest first: channels are public, so are their coupons
  r.get('/api/channels/:id/coupons', async (call) => {
    await requireCaller(ctx, call)
    await requireChannel(db, call.params.id)
    const rows = await db.all<CouponRow>(
      `SELECT ${COUPON_COLUMNS} FROM coupons k WHERE k.channel_id = ? ORDER BY k.created DESC, k.id LIMIT 100`,
      [call.params.id],
    )
    return { status: 200, body: rows.map(toCoupon) }
  })

  r.get('/api/coupons/key', async (call) => {
    await requireCaller(ctx, call)
    const body: CouponKey = { alg: 'Ed25519', publicKey: (await keys()).publicRaw }
    return { status: 200, body }
  })

  r.get('/api/coupons/:id', async (call) => {
    await requireCaller(ctx, call)
    return { status: 200, body: toCoupon(await couponRow(db, call.params.id)) }
  })

  r.post('/api/coupons/:id/save', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const coupon = toCoupon(await couponRow(db, call.params.id))
    const now = Date.now()
    await db.tx(async (q) => {
      const n = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM coupon_saves WHERE user_id = ?', [userId])
      const res = await q.run(
        'INSERT INTO coupon_saves (user_id, coupon_id, created) VALUES (?, ?, ?) ON CONFLICT (user_id, coupon_id) DO NOTHING',
        [userId, coupon.id, now],
      )
      if (res.changes > 0 && Number(n?.n ?? 0) >= MAX_SAVED_COUPONS)
        throw badRequest(`You can keep at most ${MAX_SAVED_COUPONS} coupons. Remove some first.`)
    })
    const mine = await myCoupons(userId, coupon.id)
    return { status: 200, body: mine[0] }
  })

  r.delete('/api/coupons/:id/save', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    await db.run('DELETE FROM coupon_saves WHERE user_id = ? AND coupon_id = ?', [userId, call.params.id])
    return { status: 200, body: { saved: false } }
  })

  r.get('/api/me/coupons', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 200, body: await myCoupons(userId) }
  })

  r.post('/api/coupons/:id/code', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const coupon = toCoupon(await couponRow(db, call.params.id))
    const now = Date.now()
    if (now < coupon.validFrom || now >= coupon.validTo) throw notValidNow()
    const k = await keys()
    if (await redeemed(k, coupon.id, userId)) throw alreadyRedeemed()
    if (coupon.soldOut) throw soldOut()
    const exp = Math.min(now + COUPON_CODE_MS, coupon.validTo)
    const code = makeCode(k, coupon.id, userId, exp)
    const body: CouponCode = { code, short: await issueShortCode(db, coupon.channelId, code, exp), exp }
    return { status: 200, body }
  })

  r.post('/api/channels/:id/redeem', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const channelId = call.params.id
    let raw = asObject(await call.body()).code
    await requireAdmin(db, userId, channelId)
    // the eight digits a till typed stand for a code of this channel's, with a limit on wrong guesses
    const digits = typeof raw === 'string' ? shortDigits(raw) : null
    if (digits !== null) {
      const key = `k:${channelId}`
      const wait = await reserveAttempt(db, key, SHORT_CODE_GUESSES)
      if (wait > 0)
        throw new HttpError(429, 'too_many_attempts', 'Too many wrong numbers. Scan the code, or try again later.', {
          'Retry-After': String(Math.ceil(wait / 1000)),
        })
      raw = await codeOfShort(db, channelId, digits)
      if (raw === null) throw codeInvalid()
      await forgiveAttempt(db, key)
    }
    const code = readCode(await keys(), raw)
    if (!code) throw codeInvalid()
    const row = await db.get<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons k WHERE k.id = ?`, [code.c])
    // a good code of another channel's coupon is no good here
    if (!row || row.channel_id !== channelId) throw codeInvalid()
    const now = Date.now()
    if (code.e <= now) throw new HttpError(410, 'code_expired', 'This code has expired. Ask for a new one.')
    if (now < Number(row.valid_from) || now >= Number(row.valid_to)) throw notValidNow()
    await redeem(db, code, now)
    const body: Redemption = { coupon: toCoupon(await couponRow(db, code.c)) }
    return { status: 200, body }
  })

  async function redeemed(k: CouponKeys, couponId: string, userId: string): Promise<boolean> {
    const row = await db.get('SELECT 1 AS x FROM coupon_redemptions WHERE coupon_id = ? AND user_pseudonym = ?', [
      couponId,
      k.pseudonym(couponId, userId),
    ])
    return row !== undefined
  }

  /** My saved coupons (or the one of them), latest saved first, with what became of each. */
  async function myCoupons(userId: string, only?: string): Promise<MyCoupon[]> {
    const rows = await db.all<CouponRow & { saved: number | string; channel_name: string }>(
      `SELECT ${COUPON_COLUMNS}, s.created AS saved, c.name AS channel_name FROM coupon_saves s
       JOIN coupons k ON k.id = s.coupon_id JOIN channels c ON c.id = k.channel_id
       WHERE s.user_id = ? AND c.disabled = 0 ${only ? 'AND k.id = ?' : ''}
       ORDER BY s.created DESC, k.id`,
      only ? [userId, only] : [userId],
    )
    if (rows.length === 0) {
      if (only) throw noCoupon()
      return []
    }
    const k = await keys()
    const pseudonyms = rows.map((row) => k.pseudonym(row.id, userId))
    const used = new Set<string>()
    // one query for the lot; a pseudonym is made of its coupon's id, so the pairs match exactly
    const marks = rows.map(() => '?').join(', ')
    for (const u of await db.all<{ coupon_id: string; user_pseudonym: string }>(
      `SELECT coupon_id, user_pseudonym FROM coupon_redemptions WHERE user_pseudonym IN (${marks})`,
      pseudonyms,
    ))
      used.add(`${u.coupon_id}\n${u.user_pseudonym}`)
    const now = Date.now()
    return rows.map((row, i): MyCoupon => {
      const coupon: Coupon = toCoupon(row)
      const state = used.has(`${row.id}\n${pseudonyms[i]}`) ? 'redeemed' : now >= coupon.validTo ? 'expired' : 'saved'
      return { coupon, state, saved: Number(row.saved), channelName: row.channel_name }
    })
  }
}
