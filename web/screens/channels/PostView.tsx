// One channel post, read-only: its text, list or cards, and its buttons, which open web pages in a new
// tab (only http(s) addresses, checked again here though the server refuses anything else), and its
// coupon, if it carries one.
import { isHttpUrl, type ChannelPost, type PostButton } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'
import { formatChatTime } from '../../i18n/format.ts'
import { CouponCard } from '../coupons/CouponCard.tsx'

function Buttons({ buttons }: { buttons?: PostButton[] }) {
  const ok = (buttons ?? []).filter((b) => isHttpUrl(b.url))
  if (!ok.length) return null
  return (
    <span class="post__buttons">
      {ok.map((b, i) => (
        <a key={i} class="btn btn--small" href={b.url} target="_blank" rel="noopener noreferrer">
          {b.label}
        </a>
      ))}
    </span>
  )
}

export function PostView({ post }: { post: ChannelPost }) {
  return (
    <article class="post">
      <header class="post__head">
        {post.ad && <span class="post__ad">{t('channels.ad')}</span>}
        <time class="muted" dateTime={new Date(post.ts).toISOString()}>
          {formatChatTime(post.ts)}
        </time>
      </header>
      {(post.kind === 'photo' || post.kind === 'widePhoto') && <p class="muted">{t('media.photo')}</p>}
      {post.kind === 'video' && <p class="muted">{t('media.video')}</p>}
      {post.text && <p class="post__text">{post.text}</p>}
      {post.items && (
        <ul class="post__list">
          {post.items.map((it, i) => (
            <li key={i}>
              {it.url && isHttpUrl(it.url) ? (
                <a href={it.url} target="_blank" rel="noopener noreferrer">
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
              <Buttons buttons={c.buttons} />
            </section>
          ))}
        </div>
      )}
      {post.coupon && <CouponCard of={post.coupon} />}
      <Buttons buttons={post.buttons} />
    </article>
  )
}
