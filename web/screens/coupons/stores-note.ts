// Which stores a coupon is for, named: "Only near its stores" alone left a follower far from them
// guessing where to go. The names are the channel's, public with the coupon; the places stay cells.
import type { CouponStore } from '../../../protocol/coupons.ts'
import { t } from '../../app/t.ts'
import { formatList } from '../../i18n/format.ts'
import { isolate } from '../../components/UserText.tsx'

/** the stores named at most; past them, "and N more" */
const NAMED = 3

export function storesNote(stores: readonly CouponStore[]): string {
  const names = stores.map((s) => isolate(s.name))
  return names.length <= NAMED
    ? t('coupons.atStores', { stores: formatList(names), count: names.length })
    : t('coupons.atStoresMore', { stores: formatList(names.slice(0, NAMED)), count: names.length - NAMED })
}
