// A coupon as a post carries it: its title, terms and period, and "Save" (to My coupons). A coupon
// valid only at some stores shows itself once the device, asked from a tap, finds it is near one of them:
// the comparison runs here, and the position is never sent anywhere.
import { useEffect, useState } from 'preact/hooks'
import type { Coupon, PostCoupon } from '../../../protocol/coupons.ts'
import { ensureMyCoupons, getCoupon, here, locate, myCoupons, nearStore, saveCoupon } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'
import { couponError } from './couponError.ts'
import { STATE_KEYS, validText } from './dates.ts'
import { storesNote } from './stores-note.ts'

/** A coupon drafted with a post, as its card will read once the post is sent (the post's preview): no Save. */
export function DraftCouponCard({ title, terms, validFrom, validTo }: Pick<Coupon, 'title' | 'terms' | 'validFrom' | 'validTo'>) {
  return (
    <section class="coupon" aria-label={t('coupons.coupon')}>
      <span class="coupon__tag">{t('coupons.coupon')}</span>
      <strong class="coupon__title">{title}</strong>
      {terms && <p class="coupon__terms">{terms}</p>}
      <p class="muted">{validText(validFrom, validTo)}</p>
    </section>
  )
}

export function CouponCard({ of: p }: { of: PostCoupon }) {
  const [coupon, setCoupon] = useState<Coupon | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    let live = true
    getCoupon(p.id).then(
      (c) => live && setCoupon(c),
      (e: unknown) => live && setError(couponError(e)),
    )
    ensureMyCoupons()
    return () => void (live = false)
  }, [p.id])

  // mine: saved, used or expired, as My coupons says
  const mine = myCoupons.value?.find((m) => m.coupon.id === p.id)
  const stores = coupon?.stores ?? []
  const pos = here.value
  const hidden = stores.length > 0 && (!pos || !nearStore(pos.lat, pos.lon, stores))

  async function run(work: () => Promise<unknown>, failure = couponError) {
    setBusy(true)
    setError('')
    try {
      await work()
    } catch (e) {
      setError(failure(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="coupon" aria-label={t('coupons.coupon')}>
      <span class="coupon__tag">{t('coupons.coupon')}</span>
      <strong class="coupon__title">{coupon?.title ?? p.title}</strong>
      {stores.length > 0 && <p class="coupon__note">{storesNote(stores)}</p>}
      {coupon && hidden && (
        <>
          {pos && <p class="muted">{t('coupons.notNear')}</p>}
          <button class="btn btn--small" disabled={busy} onClick={() => void run(locate, () => t('coupons.noLocation'))}>
            {t('coupons.checkNear')}
          </button>
        </>
      )}
      {coupon && !hidden && (
        <>
          {coupon.terms && <p class="coupon__terms">{coupon.terms}</p>}
          <p class="muted">{validText(coupon.validFrom, coupon.validTo)}</p>
          {coupon.soldOut && <p class="coupon__note">{t('coupons.soldOut')}</p>}
          <div class="coupon__actions">
            {mine ? (
              <span class="coupon__saved" role="status">
                {t(STATE_KEYS[mine.state])}
              </span>
            ) : (
              <button class="btn btn--small btn--primary" disabled={busy} onClick={() => void run(() => saveCoupon(p.id))}>
                {t('coupons.save')}
              </button>
            )}
          </div>
        </>
      )}
      <p class="form__error" role="alert">
        {error}
      </p>
    </section>
  )
}
