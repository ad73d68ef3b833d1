// How a coupon's period reads: "Dec 2 – Jan 1", each end in the locale's own words; and its state.
import type { MyCouponState } from '../../../protocol/coupons.ts'
import { t } from '../../app/t.ts'
import { formatDate } from '../../i18n/format.ts'

/** What a saved coupon's state reads as, on its card and in My coupons. */
export const STATE_KEYS: Record<MyCouponState, string> = {
  saved: 'coupons.state.saved',
  redeemed: 'coupons.state.used',
  expired: 'coupons.state.expired',
}

export const validText = (from: number, to: number): string => t('coupons.valid', { from: formatDate(from), to: formatDate(to) })
