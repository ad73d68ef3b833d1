// One channel post, read-only: its photo or video (the room's media parts: the ThumbHash placeholder,
// then the picture, kept in this device's media cache once seen; a tap opens it full screen), its text,
// list or cards, and its buttons, which open web pages in a new tab (only http(s) addresses, checked
// again here though the server refuses anything else), and its coupon, if it carries one. In a channel's
// feed it counts for the channel's statistics when shown and when a button or link is tapped (post-insights.ts).
import type { JSX } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { isHttpUrl, type ChannelPost, type PostButton } from '../../../protocol/channels.ts'
import { MediaContent, MediaViewer } from '../room/media-lazy.tsx'
import { t } from '../../app/t.ts'
import { formatChatTime, formatList, languageName } from '../../i18n/format.ts'
import { CouponCard } from '../coupons/CouponCard.tsx'
import { countClick, watchPost } from '../../models/post-insights.ts'

function Buttons({ buttons, onTap }: { buttons?: PostButton[]; onTap?: () => void }) {
  const ok = (buttons ?? []).filter((b) => isHttpUrl(b.url))
  if (!ok.length) return null
  return (
    <span class="post__buttons">
      {ok.map((b, i) => (
        <a key={i} class="btn btn--small" href={b.url} target="_blank" rel="noopener noreferrer" onClick={onTap}>
          {b.label}
        </a>
      ))}
    </span>
  )
}

/**
 * `channel`: the post is in that channel's own feed, where its views and taps count (a customer group's
 * post is given none: nothing of it is counted). `group`: the name of the customer group whose feed it is
 * in, marked as the post is for them.
 */
export function PostView({
  post,
  channel,
  group,
  draft,
}: {
  post: ChannelPost
  channel?: string
  group?: string
  /** a draft's preview: the photo or video picked and not uploaded yet, and the coupon not made yet */
  draft?: { media?: { kind: 'photo' | 'video'; url: string }; coupon?: JSX.Element }
}) {
  const [viewing, setViewing] = useState(false)
  const ref = useRef<HTMLElement>(null)
  useEffect(() => (channel && ref.current ? watchPost(ref.current, channel, post.id) : undefined), [channel, post.id])
  const onTap = channel ? () => countClick(channel, post.id) : undefined
  const media = post.media && (post.kind === 'photo' || post.kind === 'widePhoto' || post.kind === 'video') ? post.media : null
  return (
    <article class="post" ref={ref}>
      <header class="post__head">
        {post.ad && <span class="post__ad">{t('channels.ad')}</span>}
        {group !== undefined && <span class="post__ad post__group">{t('channels.forGroup', { group })}</span>}
        {post.langs && (
          <span class="post__ad">{t('channels.forLangs', { langs: formatList(post.langs.map((l) => languageName(l))) })}</span>
        )}
        <time class="muted" dateTime={new Date(post.ts).toISOString()}>
          {formatChatTime(post.ts)}
        </time>
      </header>
      {media && (
        <div class={post.kind === 'widePhoto' ? 'post__media post__media--wide' : 'post__media'}>
          <MediaContent media={media} onView={() => setViewing(true)} />
        </div>
      )}
      {media && viewing && <MediaViewer items={[media]} start={0} onClose={() => setViewing(false)} />}
      {!media && draft?.media && (
        <div class={post.kind === 'widePhoto' ? 'post__media post__media--wide' : 'post__media'}>
          {draft.media.kind === 'photo' ? (
            <img class="post__draft-media" src={draft.media.url} alt={t('media.photo')} />
          ) : (
            <video class="post__draft-media" src={draft.media.url} controls muted playsInline aria-label={t('media.video')} />
          )}
        </div>
      )}
      {post.text && <p class="post__text">{post.text}</p>}
      {post.items && (
        <ul class="post__list">
          {post.items.map((it, i) => (
            <li key={i}>
              {it.url && isHttpUrl(it.url) ? (
                <a href={it.url} target="_blank" rel="noopener noreferrer" onClick={onTap}>
                  {it.title}
                </a>
              ) : (
                <strong>{it.title}</strong>
              )}
              {it.description && <span class="muted"> {it.description}</span>}
            </li>
          ))}
        </ul>
      )}
      {post.cards && (
        <div class="post__cards">
          {post.cards.map((c, i) => (
            <section key={i} class="post__card">
              <strong>{c.title}</strong>
              {c.description && <p class="muted">{c.description}</p>}
              <Buttons buttons={c.buttons} onTap={onTap} />
            </section>
          ))}
        </div>
      )}
      {post.coupon ? <CouponCard of={post.coupon} /> : draft?.coupon}
      <Buttons buttons={post.buttons} onTap={onTap} />
    </article>
  )
}
