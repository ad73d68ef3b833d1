// The photo or video picked for a post, before it is uploaded, and why an upload failed.
import { useEffect, useState } from 'preact/hooks'
import type { PickedMedia } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'

const MEDIA_REASONS: Record<string, string> = {
  too_large: 'media.error.tooLarge',
  quota_exceeded: 'media.error.quota',
  not_an_image: 'media.error.notImage',
  malformed_media: 'media.error.notVideo',
}

/** Why picked media could not be uploaded, said in the user's language. */
export function mediaErrorText(err: unknown): string {
  const code = (err as { code?: unknown }).code
  const key = typeof code === 'string' ? MEDIA_REASONS[code] : undefined
  return key ? t(key) : errorText(err)
}

/** The picked photo (its object URL) or video (its label) above the text, and a way to take it out. */
export function PickedPreview({ picked, onRemove }: { picked: PickedMedia; onRemove: () => void }) {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (picked.kind !== 'photo') return
    const u = URL.createObjectURL(picked.file)
    setUrl(u)
    return () => URL.revokeObjectURL(u)
  }, [picked])
  return (
    <div class="post-media-pick">
      {url ? <img class="post-media-pick__img" src={url} alt={t('media.photo')} /> : <span>{t('media.video')}</span>}
      <button type="button" class="btn btn--small" onClick={onRemove}>
        {t('channels.removeMedia')}
      </button>
    </div>
  )
}
