// The coupon a post may carry, as its admin fills it in: title, terms, the days it is valid (whole local
// days: from the start of the first to the end of the last), how many there are, all people together,
// and the stores it is valid at, if only some: each store's place goes out as its ~5 km geohash cell
// (a shop's place is public; followers' devices compare their own position with it, and never send it).
import {
  COUPON_EARLIEST,
  COUPON_LONGEST_MS,
  MAX_COUPON_QUANTITY,
  MAX_COUPON_STORES,
  MAX_COUPON_TERMS_CHARS,
  MAX_COUPON_TITLE_CHARS,
  MAX_STORE_NAME_CHARS,
  type CouponStore,
  type NewCoupon,
} from '../../../protocol/coupons.ts'
import { dateInput, dayEndMs, dayStartMs, geohash, parsePoint } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'

/** A store as typed: its name and its place ("lat, lon"), read into a cell when the coupon is made. */
export interface StoreDraft {
  name: string
  place: string
}

export interface CouponDraft {
  title: string
  terms: string
  from: string
  to: string
  quantity: string
  stores: StoreDraft[]
}

export const newDraft = (now = Date.now()): CouponDraft => ({
  title: '',
  terms: '',
  from: dateInput(now),
  to: dateInput(now, 30),
  quantity: '100',
  stores: [],
})

/** The coupon to create, or the reason it cannot be, said in the user's language. */
export function readDraft(d: CouponDraft, now = Date.now()): NewCoupon | string {
  const title = d.title.trim()
  if (!title || title.length > MAX_COUPON_TITLE_CHARS) return t('coupons.error.title')
  const validFrom = dayStartMs(d.from)
  const validTo = dayEndMs(d.to)
  if (
    !Number.isFinite(validFrom) ||
    !Number.isFinite(validTo) ||
    validTo <= validFrom ||
    validTo <= now ||
    validFrom < COUPON_EARLIEST
  )
    return t('coupons.error.dates')
  if (validTo > now + COUPON_LONGEST_MS) return t('coupons.error.tooFar')
  const quantity = Number(d.quantity)
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_COUPON_QUANTITY) return t('coupons.error.quantity')
  const stores: CouponStore[] = []
  for (const st of d.stores) {
    const name = st.name.trim()
    const point = parsePoint(st.place)
    if (!name || name.length > MAX_STORE_NAME_CHARS || !point) return t('coupons.error.store')
    stores.push({ name, cell: geohash(point.lat, point.lon) })
  }
  return { title, terms: d.terms.trim(), validFrom, validTo, quantity, ...(stores.length ? { stores } : {}) }
}

/** Asks the browser where this device is (the admin standing in the store), as "lat, lon". */
function here(): Promise<string> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(`${p.coords.latitude.toFixed(5)}, ${p.coords.longitude.toFixed(5)}`),
      reject,
      { enableHighAccuracy: false, timeout: 15_000 },
    ),
  )
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
      <p class="muted">{t('coupons.storesHint')}</p>
      {draft.stores.map((st, i) => {
        const set = (d: Partial<StoreDraft>) => onChange({ stores: draft.stores.map((x, j) => (j === i ? { ...x, ...d } : x)) })
        return (
          <fieldset key={i} class="coupon-store">
            <legend>{t('coupons.storeN', { n: i + 1 })}</legend>
            <label class="field">
              <span class="field__label">{t('coupons.storeName')}</span>
              <input maxLength={MAX_STORE_NAME_CHARS} value={st.name} onInput={(e) => set({ name: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span class="field__label">{t('coupons.storePlace')}</span>
              <input
                inputMode="decimal"
                placeholder="37.5665, 126.9780"
                value={st.place}
                onInput={(e) => set({ place: e.currentTarget.value })}
              />
            </label>
            <div class="form__row form__row--start">
              {'geolocation' in navigator && (
                <button
                  type="button"
                  class="btn btn--small"
                  onClick={() =>
                    void here().then(
                      (place) => set({ place }),
                      () => {},
                    )
                  }
                >
                  {t('coupons.storeHere')}
                </button>
              )}
              <button
                type="button"
                class="btn btn--small"
                onClick={() => onChange({ stores: draft.stores.filter((_, j) => j !== i) })}
              >
                {t('coupons.storeRemove')}
              </button>
            </div>
          </fieldset>
        )
      })}
      {draft.stores.length < MAX_COUPON_STORES && (
        <button
          type="button"
          class="btn btn--small"
          onClick={() => onChange({ stores: [...draft.stores, { name: '', place: '' }] })}
        >
          {t('coupons.storeAdd')}
        </button>
      )}
      <button type="button" class="btn btn--small" onClick={onRemove}>
        {t('coupons.remove')}
      </button>
    </fieldset>
  )
}
