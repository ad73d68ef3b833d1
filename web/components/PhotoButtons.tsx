// Choose a photo (a profile's or a group's: resized on the phone, cropped square by the server) or remove it.
import { useRef, useState } from 'preact/hooks'
import { errorText } from '../app/errors.ts'

export function PhotoButtons({
  hasPhoto,
  labels: [add, change, remove],
  onSet,
  onError,
}: {
  hasPhoto: boolean
  /** add, change, remove */
  labels: [string, string, string]
  /** sends the photo, or null to remove it */
  onSet: (photo: Blob | null) => Promise<void>
  onError: (text: string) => void
}) {
  const picker = useRef<HTMLInputElement>(null)
  const [busy, setBusy] = useState(false)
  async function run(fn: () => Promise<void>) {
    setBusy(true)
    onError('')
    try {
      await fn()
    } catch (err) {
      onError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="form__row form__row--start">
      <button type="button" class="btn btn--small" disabled={busy} onClick={() => picker.current?.click()}>
        {hasPhoto ? change : add}
      </button>
      {hasPhoto && (
        <button type="button" class="btn btn--small" disabled={busy} onClick={() => void run(() => onSet(null))}>
          {remove}
        </button>
      )}
      <input
        ref={picker}
        type="file"
        accept="image/*"
        hidden
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (!file) return
          void run(async () => {
            // a photo of 1,024 px at most travels instead of the camera's original
            const small = await import('../media/prepare.ts').then((m) => m.preparePhoto(file, 1024))
            await onSet(small?.blob ?? file)
          })
        }}
      />
    </div>
  )
}
