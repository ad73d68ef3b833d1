// The draft as followers will see it, updated as the admin writes: the feed's own PostView, given no
// channel so that nothing of the preview counts for the channel's statistics. A photo or video is shown
// once uploaded only (PostView shows media from the server); until then the rest of the post is.
import type { ScheduledDraft } from '../../../protocol/scheduled.ts'
import { t } from '../../app/t.ts'
import { PostView } from './PostView.tsx'
import { isolate } from '../../components/UserText.tsx'
import { asSent, isVisual } from './postDraft.ts'

export function PostPreview({
  post,
  userId,
  open,
  onToggle,
  couponToMake,
}: {
  post: ScheduledDraft
  userId: string
  open: boolean
  onToggle: () => void
  /** the title of a coupon the post carries that is made only as it is sent (its card asks the server for it) */
  couponToMake?: string
}) {
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
      {open && isVisual(post.kind) && !post.media && <p class="muted">{t('channels.previewNoMedia')}</p>}
      {open && couponToMake !== undefined && (
        <p class="muted">{t('channels.previewNoCoupon', { title: isolate(couponToMake) })}</p>
      )}
      {open && <PostView post={asSent(post, userId)} />}
    </section>
  )
}
