// A QR code as inline SVG, one path of dark modules. The encoder is a chunk of its own, loaded when a
// code is first shown, so that no other screen pays for it.
import { useEffect, useState } from 'preact/hooks'

export function QrCode({ text, label }: { text: string; label: string }) {
  const [code, setCode] = useState<{ size: number; d: string } | null>(null)
  useEffect(() => {
    let live = true
    void import('uqr').then(({ encode }) => {
      // a quiet zone of four modules, as scanners expect
      const { size, data } = encode(text, { ecc: 'M', border: 4 })
      let d = ''
      data.forEach((row, y) => row.forEach((dark, x) => dark && (d += `M${x} ${y}h1v1h-1z`)))
      if (live) setCode({ size, d })
    })
    return () => void (live = false)
  }, [text])
  if (!code) return <div class="qr qr--loading" role="img" aria-label={label} aria-busy="true" />
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${code.size} ${code.size}`}
      shape-rendering="crispEdges"
      xmlns="http://www.w3.org/2000/svg"
    >
      <rect width={code.size} height={code.size} fill="#fff" />
      <path d={code.d} fill="#000" />
    </svg>
  )
}
