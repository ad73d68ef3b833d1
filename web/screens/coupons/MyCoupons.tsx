// My coupons: what I saved, newest first, and what became of each (saved, used, expired). "Use" asks
// for a code good for a few minutes and shows it full screen for the store's staff.
import { useEffect, useState } from 'preact/hooks'
import type { Coupon, CouponCode } from '../../../protocol/coupons.ts'
import { couponCode, myCoupons, refreshMyCoupons } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { IconBack } from '../../components/icons.tsx'
import { couponError } from './couponError.ts'
import { STATE_KEYS, validText } from './dates.ts'
import { formatDate } from '../../i18n/format.ts'
import { CodeView } from './CodeView.tsx'
import { isolate } from '../../components/UserText.tsx'
import { storesNote } from './stores-note.ts'

export default function MyCoupons() {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState('')
  const [showing, setShowing] = useState<{ coupon: Coupon; code: CouponCode; channel: string } | null>(null)
  useEffect(() => {
    refreshMyCoupons().catch((e: unknown) => setError(couponError(e)))
  }, [])

  async function use(coupon: Coupon, channel: string) {
    setBusy(coupon.id)
    setError('')
    try {
      setShowing({ coupon, code: await couponCode(coupon.id), channel })
    } catch (e) {
      setError(couponError(e))
      // it may have been used or sold out meanwhile: show what is true now
      void refreshMyCoupons().catch(() => {})
    } finally {
      setBusy('')
    }
  }

  if (showing)
    return (
      <CodeView
        coupon={showing.coupon}
        code={showing.code}
        channel={showing.channel}
        onNew={() => void use(showing.coupon, showing.channel)}
        onClose={() => {
          setShowing(null)
          void refreshMyCoupons().catch(() => {})
        }}
      />
    )

  const list = myCoupons.value
  return (
    <section class="screen" aria-labelledby="coupons-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('channels')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="coupons-title">
          {t('coupons.mine')}
        </h1>
      </header>
      <div class="screen__scroll">
        <p class="form__error pad" role="alert">
          {error}
        </p>
        {list && list.length === 0 && <p class="muted pad">{t('coupons.none')}</p>}
        {list && list.length > 0 && (
          <ul class="coupon-list" aria-label={t('coupons.mine')}>
            {list.map(({ coupon, state, channelName }) => (
              <li key={coupon.id} class={`coupon coupon--${state}`}>
                <span class="coupon__tag">{t(STATE_KEYS[state])}</span>
                {/* whose it is: coupons of several shops look alike */}
                <span class="coupon__channel">{isolate(channelName)}</span>
                <strong class="coupon__title">{coupon.title}</strong>
                {coupon.terms && <p class="coupon__terms">{coupon.terms}</p>}
                <p class="muted">{validText(coupon.validFrom, coupon.validTo)}</p>
                {state === 'saved' && coupon.stores.length > 0 && <p class="coupon__note">{storesNote(coupon.stores)}</p>}
                {state === 'saved' && (
                  <div class="coupon__actions">
                    {coupon.soldOut && <span class="coupon__note">{t('coupons.soldOut')}</span>}
                    {/* not yet: said with its first day, where a tap only answered "cannot be used at this time" */}
                    {coupon.validFrom > Date.now() && (
                      <span class="coupon__note">{t('coupons.usableFrom', { date: formatDate(coupon.validFrom) })}</span>
                    )}
                    <button
                      class="btn btn--small btn--primary"
                      disabled={busy === coupon.id || coupon.soldOut || coupon.validFrom > Date.now()}
                      onClick={() => void use(coupon, channelName)}
                    >
                      {t('coupons.use')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
