// The draft as followers will see it, updated as the admin writes: the feed's own PostView, given no
// channel so that nothing of the preview counts for the channel's statistics. The photo or video picked
// shows from this device until it is uploaded, and a coupon drafted with the post as its card will read.
import { useEffect, useState } from 'preact/hooks'
import type { ScheduledDraft } from '../../../protocol/scheduled.ts'
import { t } from '../../app/t.ts'
import type { PickedMedia } from '../../models/channel-actions.ts'
import { PostView } from './PostView.tsx'
import { asSent, isVisual } from './postDraft.ts'
import { DraftCouponCard } from '../coupons/CouponCard.tsx'
import { readDraft, type CouponDraft } from '../coupons/CouponFields.tsx'

/** An object URL of the picked file while it is picked. */
function usePickedUrl(picked: PickedMedia | null): string | null {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!picked) return setUrl(null)
    const u = URL.createObjectURL(picked.file)
    setUrl(u)
    return () => URL.revokeObjectURL(u)
  }, [picked])
  return url
}

export function PostPreview({
  post,
  userId,
  open,
  onToggle,
  picked,
  couponToMake,
}: {
  post: ScheduledDraft
  userId: string
  open: boolean
  onToggle: () => void
  /** the photo or video picked for the post, shown from this device until it is uploaded */
  picked: PickedMedia | null
  /** a coupon the post carries that is made only as it is sent (its card asks the server for it) */
  couponToMake?: CouponDraft
}) {
  const url = usePickedUrl(open && isVisual(post.kind) && !post.media ? picked : null)
  const coupon = couponToMake && readDraft(couponToMake)
  return (
    <section class="post-preview" aria-labelledby="compose-preview">
      <div class="post-preview__head">
        <h3 class="post-preview__title" id="compose-preview">
          {t('channels.preview')}
        </h3>
        <button type="button" class="btn btn--small" aria-expanded={open} onClick={onToggle}>
          {open ? t('channels.previewHide') : t('channels.previewShow')}
        </button>
      </div>
      {open && isVisual(post.kind) && !post.media && !picked && <p class="muted">{t('channels.previewNoMedia')}</p>}
      {open && (
        <PostView
          post={asSent(post, userId)}
          draft={{
            media: url && picked ? { kind: picked.kind, url } : undefined,
            // (a draft that is not a coupon yet, a date missing say, shows none: the form says why on sending)
            coupon: coupon && typeof coupon !== 'string' ? <DraftCouponCard {...coupon} /> : undefined,
          }}
        />
      )}
    </section>
  )
}
