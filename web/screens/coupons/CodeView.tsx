// The code shown at the store, full screen: a QR code, the same code as eight digits to type in, and the
// minutes left (the code as text is copied with a button, for pasting). It says nothing of the user: the code holds the coupon, a pseudonym for this
// coupon only, and its expiry.
import { useEffect, useState } from 'preact/hooks'
import type { Coupon, CouponCode } from '../../../protocol/coupons.ts'
import { myCoupons, refreshMyCoupons } from '../../models/coupons.ts'
import { connection } from '../../models/index.ts'
import { isolate } from '../../components/UserText.tsx'
import { t } from '../../app/t.ts'
import { IconBack } from '../../components/icons.tsx'
import { QrCode } from '../invite/QrCode.tsx'
import { useCopy } from '../../components/use-copy.ts'

const left = (ms: number): string => {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** "Copy code", and what came of it; the code itself shows only when it could not be copied */
function CopyCode({ code }: { code: string }) {
  const { done, copy } = useCopy()
  return (
    <div class="coupon-code__copy">
      <button type="button" class="btn btn--small" onClick={() => copy(code)}>
        {t('coupons.copyCode')}
      </button>
      <span class="muted" role="status">
        {done === 'ok' ? t('apps.copied') : done === 'failed' ? t('apps.copyFailed') : ''}
      </span>
      {done === 'failed' && (
        <output class="coupon-code__text" aria-label={t('coupons.codeText')}>
          {code}
        </output>
      )}
    </div>
  )
}

/** how often the screen asks whether the store has redeemed the code */
const ASK_MS = 3_000

export function CodeView({
  coupon,
  code,
  channel,
  onNew,
  onClose,
}: {
  coupon: Coupon
  code: CouponCode
  /** the channel's name: which store the code is for */
  channel: string
  onNew: () => void
  onClose: () => void
}) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    // the staff's phone redeems it: this one learns so by asking, and says it was used
    const ask = setInterval(() => {
      if (connection.peek() !== 'offline') void refreshMyCoupons().catch(() => {})
    }, ASK_MS)
    return () => {
      clearInterval(timer)
      clearInterval(ask)
    }
  }, [])
  const used = myCoupons.value?.find((c) => c.coupon.id === coupon.id)?.state === 'redeemed'
  const expired = !used && now >= code.exp
  return (
    <div class="coupon-code" role="dialog" aria-modal="true" aria-labelledby="coupon-code-title">
      <header class="topbar">
        <button class="icon-btn" onClick={onClose} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="coupon-code-title">
          <span class="topbar__text">{coupon.title}</span>
        </h1>
      </header>
      <div class="coupon-code__body">
        <p class="coupon-code__channel">{isolate(channel)}</p>
        {used ? (
          <p class="coupon-code__used" role="status">
            {t('coupons.state.used')}
          </p>
        ) : (
          <p class="muted">{t('coupons.showAtStore')}</p>
        )}
        {used ? null : expired ? (
          <div class="qr coupon-code__expired" role="img" aria-label={t('coupons.codeExpired')} />
        ) : (
          <QrCode text={code.code} label={t('coupons.qr')} />
        )}
        {/* for a till that cannot scan: eight digits, read out or typed in two groups of four */}
        {!used && !expired && code.short && (
          <p class="coupon-code__short">
            <span class="muted">{t('coupons.shortCode')}</span>
            <output class="coupon-code__digits" aria-label={t('coupons.shortCode')}>
              {`${code.short.slice(0, 4)} ${code.short.slice(4)}`}
            </output>
          </p>
        )}
        {!used && (
          <p class="coupon-code__left" role="timer" aria-live="off">
            {expired ? t('coupons.codeExpired') : t('coupons.left', { time: left(code.exp - now) })}
          </p>
        )}
        {/* the long code is for pasting (a shop with neither a scanner nor the digits), not for reading:
            copied with a tap, and shown only where the phone cannot copy it */}
        {!used && !expired && <CopyCode code={code.code} />}
        {expired && (
          <button class="btn btn--primary" onClick={onNew}>
            {t('coupons.newCode')}
          </button>
        )}
      </div>
    </div>
  )
}
