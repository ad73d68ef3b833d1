// How a coupon's period reads: "Dec 2 – Jan 1", each end in the locale's own words.
import { t } from '../../app/t.ts'
import { formatDate } from '../../i18n/format.ts'

export const validText = (from: number, to: number): string => t('coupons.valid', { from: formatDate(from), to: formatDate(to) })
