// A voice note recorded with the browser's own encoder: Opus in WebM where the browser has it (Chromium,
// Firefox), else what it records (AAC in MP4 on Safari). The server keeps the bytes as they are.
export interface Recording {
  /** stops and hands over the recording (null when nothing was heard) */
  stop(): Promise<{ blob: Blob; dur: number } | null>
  /** stops and throws it away */
  cancel(): void
}

const TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4', 'audio/ogg;codecs=opus']

/** Starts recording from the microphone; rejects when there is none or the user refused it. */
export async function startRecording(): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
  const mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t))
  const rec = new MediaRecorder(stream, mimeType ? { mimeType, audioBitsPerSecond: 32_000 } : undefined)
  const parts: Blob[] = []
  rec.ondataavailable = (e) => e.data.size > 0 && parts.push(e.data)
  const started = performance.now()
  rec.start(1000)
  const release = () => stream.getTracks().forEach((t) => t.stop())
  return {
    stop: () =>
      new Promise((resolve) => {
        rec.onstop = () => {
          release()
          const type = (rec.mimeType || mimeType || 'audio/webm').split(';')[0]
          const blob = new Blob(parts, { type })
          resolve(blob.size > 0 ? { blob, dur: Math.round(performance.now() - started) } : null)
        }
        rec.stop()
      }),
    cancel: () => {
      rec.onstop = release
      if (rec.state !== 'inactive') rec.stop()
      else release()
    },
  }
}
