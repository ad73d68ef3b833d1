// The coupon a post may carry, as its admin fills it in: title, terms, the days it is valid (whole local
// days: from the start of the first to the end of the last) and how many there are, all people together.
import { MAX_COUPON_QUANTITY, MAX_COUPON_TERMS_CHARS, MAX_COUPON_TITLE_CHARS } from '../../../protocol/coupons.ts'
import { dateInput, dayEndMs, dayStartMs, type NewCoupon } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'

export interface CouponDraft {
  title: string
  terms: string
  from: string
  to: string
  quantity: string
}

export const newDraft = (now = Date.now()): CouponDraft => ({
  title: '',
  terms: '',
  from: dateInput(now),
  to: dateInput(now, 30),
  quantity: '100',
})

/** The coupon to create, or the reason it cannot be, said in the user's language. */
export function readDraft(d: CouponDraft, now = Date.now()): NewCoupon | string {
  const title = d.title.trim()
  if (!title || title.length > MAX_COUPON_TITLE_CHARS) return t('coupons.error.title')
  const validFrom = dayStartMs(d.from)
  const validTo = dayEndMs(d.to)
  if (!Number.isFinite(validFrom) || !Number.isFinite(validTo) || validTo <= validFrom || validTo <= now)
    return t('coupons.error.dates')
  const quantity = Number(d.quantity)
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_COUPON_QUANTITY) return t('coupons.error.quantity')
  return { title, terms: d.terms.trim(), validFrom, validTo, quantity }
}

export function CouponFields({
  draft,
  onChange,
  onRemove,
}: {
  draft: CouponDraft
  onChange: (d: Partial<CouponDraft>) => void
  onRemove: () => void
}) {
  return (
    <fieldset class="post-button-field coupon-field">
      <legend>{t('coupons.coupon')}</legend>
      <label class="field">
        <span class="field__label">{t('coupons.title')}</span>
        <input
          maxLength={MAX_COUPON_TITLE_CHARS}
          value={draft.title}
          onInput={(e) => onChange({ title: e.currentTarget.value })}
        />
      </label>
      <label class="field">
        <span class="field__label">{t('coupons.terms')}</span>
        <textarea
          rows={2}
          maxLength={MAX_COUPON_TERMS_CHARS}
          value={draft.terms}
          onInput={(e) => onChange({ terms: e.currentTarget.value })}
        />
      </label>
      <div class="coupon-field__dates">
        <label class="field">
          <span class="field__label">{t('coupons.validFrom')}</span>
          <input type="date" value={draft.from} onInput={(e) => onChange({ from: e.currentTarget.value })} />
        </label>
        <label class="field">
          <span class="field__label">{t('coupons.validTo')}</span>
          <input type="date" value={draft.to} onInput={(e) => onChange({ to: e.currentTarget.value })} />
        </label>
      </div>
      <label class="field">
        <span class="field__label">{t('coupons.quantity')}</span>
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_COUPON_QUANTITY}
          value={draft.quantity}
          onInput={(e) => onChange({ quantity: e.currentTarget.value })}
        />
      </label>
      <button type="button" class="btn btn--small" onClick={onRemove}>
        {t('coupons.remove')}
      </button>
    </fieldset>
  )
}
