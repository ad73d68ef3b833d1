// A coupon failure from the server (docs/protocol.md, "Coupons") as a sentence in the user's language.
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'

const CODES: Record<string, string> = {
  already_redeemed: 'coupons.error.used',
  sold_out: 'coupons.error.soldOut',
  code_expired: 'coupons.error.expired',
  coupon_not_valid: 'coupons.error.notValid',
  code_invalid: 'coupons.error.invalid',
}

export function couponError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : ''
  return code in CODES ? t(CODES[code]!) : errorText(e)
}
