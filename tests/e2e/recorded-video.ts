// A real video for the media tests, made by the browser itself (MediaRecorder), as a phone's camera app would.

/** About 1.5 s of WebM (VP8 or VP9), recorded in the page from a canvas that changes colour. */
export function recordWebm(): Promise<number[]> {
  const c = document.createElement('canvas')
  c.width = 320
  c.height = 240
  const ctx = c.getContext('2d')!
  const rec = new MediaRecorder(c.captureStream(25), { mimeType: 'video/webm' })
  const parts: Blob[] = []
  rec.ondataavailable = (e) => parts.push(e.data)
  let frame = 0
  const timer = setInterval(() => {
    ctx.fillStyle = `hsl(${(frame++ * 12) % 360} 80% 50%)`
    ctx.fillRect(0, 0, 320, 240)
  }, 40)
  rec.start(250)
  return new Promise((resolve) => {
    rec.onstop = async () => {
      clearInterval(timer)
      resolve([...new Uint8Array(await new Blob(parts).arrayBuffer())])
    }
    setTimeout(() => rec.stop(), 1500)
  })
}
