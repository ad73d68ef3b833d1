// The shop view, for a channel's admins (the store's staff): a customer's code, pasted, typed or (where
// the browser can) scanned from its QR code, is redeemed on the server, whose answer is final. It learns
// which coupon the code was for, and nothing of who showed it.
import { useEffect, useRef, useState } from 'preact/hooks'
import { redeemCode } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { IconBack } from '../../components/icons.tsx'
import { couponError } from './couponError.ts'
import { QrScan, canScan } from './QrScan.tsx'

export default function Redeem({ channelId }: { channelId: string }) {
  const [code, setCode] = useState('')
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const [scanning, setScanning] = useState(false)
  const input = useRef<HTMLTextAreaElement>(null)
  useEffect(() => input.current?.focus(), [])

  /** a code on its way: a double tap, or a scanner that reads the code again, asks nothing more (its
   * "already used" would replace the answer that the code was just accepted) */
  const pending = useRef(false)

  async function redeem(text: string) {
    const c = text.trim()
    if (!c || pending.current) return
    pending.current = true
    setBusy(true)
    setResult(null)
    try {
      const { coupon } = await redeemCode(channelId, c)
      setResult({ ok: true, text: t('coupons.validFor', { title: coupon.title }) })
      setCode('')
    } catch (e) {
      setResult({ ok: false, text: couponError(e) })
    } finally {
      pending.current = false
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="redeem-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('chats')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="redeem-title">
          {t('coupons.redeem')}
        </h1>
      </header>
      <form
        class="form form--screen"
        onSubmit={(e) => {
          e.preventDefault()
          void redeem(code)
        }}
      >
        {/* scanning is offered where the browser can read a QR code */}
        <p class="muted">{canScan() ? t('coupons.redeemHint') : t('coupons.redeemHintNoScan')}</p>
        <label class="field">
          <span class="field__label">{t('coupons.code')}</span>
          <textarea
            ref={input}
            class="coupon-code-input"
            rows={3}
            spellcheck={false}
            autoComplete="off"
            // a till types the eight digits (a scanned code arrives whole, not typed)
            inputMode="numeric"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <div class="form__row">
          {canScan() && (
            <button type="button" class="btn" onClick={() => setScanning((s) => !s)}>
              {scanning ? t('coupons.stopScan') : t('coupons.scan')}
            </button>
          )}
          <button class="btn btn--primary" type="submit" disabled={busy || !code.trim()}>
            {t('coupons.redeemCode')}
          </button>
        </div>
        {scanning && (
          <QrScan
            onCode={(c) => {
              setScanning(false)
              setCode(c)
              void redeem(c)
            }}
          />
        )}
        {result && (
          <p class={`redeem-result ${result.ok ? 'redeem-result--ok' : 'redeem-result--bad'}`} role="alert">
            {result.text}
          </p>
        )}
      </form>
    </section>
  )
}
