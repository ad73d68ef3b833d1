// Scanning a QR code with the camera where the browser has BarcodeDetector (Chromium on Android, for
// one); elsewhere the shop view takes the code typed or pasted.
import { useEffect, useRef, useState } from 'preact/hooks'
import { t } from '../../app/t.ts'

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>
}
type DetectorClass = new (o: { formats: string[] }) => Detector

const detectorClass = (): DetectorClass | undefined =>
  (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector

export const canScan = (): boolean => !!detectorClass() && !!navigator.mediaDevices?.getUserMedia

export function QrScan({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState('')
  // the latest callback, without restarting the camera when the parent renders again
  const found = useRef(onCode)
  found.current = onCode
  useEffect(() => {
    const Detector = detectorClass()
    if (!Detector) return
    let stream: MediaStream | null = null
    let live = true
    let timer = 0
    const detector = new Detector({ formats: ['qr_code'] })
    const look = async (): Promise<void> => {
      if (!live || !video.current) return
      try {
        const [hit] = await detector.detect(video.current)
        if (hit?.rawValue && live) return found.current(hit.rawValue)
      } catch {
        /* a frame not ready yet: the next one */
      }
      if (live) timer = window.setTimeout(() => void look(), 250)
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(
      async (s) => {
        stream = s
        if (!live || !video.current) return s.getTracks().forEach((tr) => tr.stop())
        video.current.srcObject = s
        await video.current.play().catch(() => {})
        void look()
      },
      () => setError(t('coupons.noCamera')),
    )
    return () => {
      live = false
      clearTimeout(timer)
      stream?.getTracks().forEach((tr) => tr.stop())
    }
  }, [])
  return (
    <div class="coupon-scan">
      <video ref={video} muted playsInline aria-label={t('coupons.scan')} />
      <p class="form__error" role="alert">
        {error}
      </p>
    </div>
  )
}
