// Voice notes: hold the microphone button to record and let go to send, or tap it to record hands-free
// and then tap Send (what a keyboard does too); Cancel throws the recording away.
import { useEffect, useRef, useState } from 'preact/hooks'
import { t } from '../../app/t.ts'
import type { Recording } from '../../media/record.ts'

/** a press this long or longer is a hold: letting go sends */
const HOLD_MS = 400

export const IconMic = () => (
  <svg
    width="22"
    height="22"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    aria-hidden="true"
  >
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
  </svg>
)

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function useVoiceRecorder(onVoice: (blob: Blob, dur: number) => void) {
  const [rec, setRec] = useState<Recording | null>(null)
  const [started, setStarted] = useState(0)
  const [now, setNow] = useState(0)
  const [error, setError] = useState('')
  const pressed = useRef(0)
  const starting = useRef<Promise<Recording | null> | null>(null)

  useEffect(() => {
    if (!rec) return
    const timer = setInterval(() => setNow(performance.now()), 250)
    return () => clearInterval(timer)
  }, [rec])
  useEffect(() => () => rec?.cancel(), [rec])

  async function start(): Promise<Recording | null> {
    if (rec) return rec
    setError('')
    starting.current ??= import('../../media/record.ts')
      .then((m) => m.startRecording())
      .then(
        (r) => {
          setRec(r)
          setStarted(performance.now())
          setNow(performance.now())
          return r
        },
        () => {
          setError(t('media.micDenied'))
          return null
        },
      )
      .finally(() => (starting.current = null))
    return starting.current
  }
  async function send(r: Recording | null = rec) {
    setRec(null)
    const got = await r?.stop()
    if (got && got.dur >= 300) onVoice(got.blob, got.dur)
  }
  function cancel() {
    rec?.cancel()
    setRec(null)
  }

  const micProps = {
    type: 'button' as const,
    class: 'composer__attach',
    'aria-label': t('media.record'),
    onPointerDown: (e: PointerEvent) => {
      e.preventDefault()
      pressed.current = performance.now()
      const pending = start()
      // the button gives way to the recording bar, so the release is heard on the window
      addEventListener(
        'pointerup',
        () => {
          if (performance.now() - pressed.current >= HOLD_MS) void pending.then((r) => send(r))
        },
        { once: true },
      )
    },
    onClick: (e: MouseEvent) => {
      // a keyboard press (no pointer) starts hands-free recording
      if (e.detail === 0) void start()
    },
  }
  return { recording: rec !== null, elapsed: clock(Math.max(0, now - started)), error, micProps, send: () => void send(), cancel }
}

export function RecordingBar({ elapsed, onSend, onCancel }: { elapsed: string; onSend: () => void; onCancel: () => void }) {
  return (
    <div class="composer__row composer__row--rec" role="group" aria-label={t('media.recording', { time: elapsed })}>
      <span class="rec-dot" aria-hidden="true" />
      {/* the dot and the running time say it (the group's label says it in words): "Aufnahme 0:01" left
          no room for the buttons on a phone */}
      <span class="rec-time" aria-live="off">
        {elapsed}
      </span>
      <button type="button" class="btn" onClick={onCancel}>
        {t('app.cancel')}
      </button>
      <button type="button" class="btn btn--primary" onClick={onSend}>
        {t('media.sendVoice')}
      </button>
    </div>
  )
}
