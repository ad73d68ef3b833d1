// Redeeming a code at the store: one transaction that raises the coupon's counter only while it is
// under its quantity and records the user's pseudonym once per coupon (primary key). The counter row is
// the lock: on Postgres the conditional UPDATE waits for any other redemption of the same coupon and
// re-checks `redeemed < quantity` on the row it committed; SQLite runs one writing transaction at a time.
// So no concurrency hands out more than `quantity`, and nobody redeems one coupon twice.
import type { CouponCodePayload } from '../../protocol/coupons.ts'
import type { Db } from '../db/db.ts'
import { isUniqueViolation } from '../api/unique.ts'
import { HttpError } from '../http/errors.ts'

export const alreadyRedeemed = () => new HttpError(409, 'already_redeemed', 'This coupon was already used by this person.')
export const soldOut = () => new HttpError(409, 'sold_out', 'This coupon has all been used.')

export async function redeem(db: Db, code: CouponCodePayload, now: number): Promise<void> {
  try {
    await db.tx(async (q) => {
      // a replay is told as one, even once the coupon is sold out
      if (await q.get('SELECT 1 AS x FROM coupon_redemptions WHERE coupon_id = ? AND user_pseudonym = ?', [code.c, code.p]))
        throw alreadyRedeemed()
      const raised = await q.run('UPDATE coupons SET redeemed = redeemed + 1 WHERE id = ? AND redeemed < quantity', [code.c])
      if (raised.changes === 0) throw soldOut()
      const added = await q.run(
        'INSERT INTO coupon_redemptions (coupon_id, user_pseudonym, created) VALUES (?, ?, ?) ON CONFLICT (coupon_id, user_pseudonym) DO NOTHING',
        [code.c, code.p, now],
      )
      // the same person at two tills at once: the second waited on the counter, then finds the first's row
      if (added.changes === 0) throw alreadyRedeemed()
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw alreadyRedeemed()
    throw e
  }
}
