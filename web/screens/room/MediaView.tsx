// What a media message shows inside its bubble: a photo as its ThumbHash placeholder of the right shape,
// then the picture (opened full screen by a tap); a file or video as its name, size and a download. And
// the same for what is still in the outbox: the picked file, with how much of it the server has.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { thumbHashToDataURL } from 'thumbhash'
import type { MediaRef } from '../../../protocol/messages.ts'
import type { OutgoingView } from '../../models/media-outbox.ts'
import { blobUrl, goneBlobs, streamUrl } from '../../media/blob-url.ts'
import { t } from '../../app/t.ts'
import { formatBytes } from '../../i18n/format.ts'
import { IconClock, IconClose } from '../../components/icons.tsx'
import { CancelSend } from './CancelSend.tsx'
import { useBackCloses } from '../../app/back-closes.ts'
import { useLongPress } from '../../components/long-press.ts'
import { connection } from '../../models/index.ts'
import { mediaLabel } from './quoted.ts'
import { albumSpans } from './rows.ts'

/** the box a photo is shown in, at most this wide and tall (CSS px), keeping its shape */
const MAX_W = 240
const MAX_H = 320

function box(w: number | undefined, h: number | undefined): { width: number; height: number } {
  if (!w || !h) return { width: MAX_W, height: Math.round(MAX_W * 0.75) }
  const s = Math.min(MAX_W / w, MAX_H / h, 1.5)
  return { width: Math.max(80, Math.round(w * s)), height: Math.max(60, Math.round(h * s)) }
}

const placeholders = new Map<string, string>()
function placeholder(thumb: string | undefined): string | undefined {
  if (!thumb) return undefined
  let url = placeholders.get(thumb)
  if (!url) {
    try {
      url = thumbHashToDataURL(Uint8Array.from(atob(thumb), (c) => c.charCodeAt(0)))
    } catch {
      return undefined
    }
    placeholders.set(thumb, url)
  }
  return url
}

/** Whether the server said blob `id` is gone (404): said so, rather than loading for ever. */
const isGone = (id: string | null | undefined): boolean => !!id && goneBlobs.value.has(id)

/** The blob's object URL once it is here (null while loading or when it cannot be had). */
function useBlobUrl(id: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null)
  useEffect(() => {
    if (!id) return
    let live = true
    void blobUrl(id).then((u) => live && setUrl(u))
    return () => {
      live = false
    }
  }, [id])
  return url
}

/**
 * What a player plays: the service worker's stream of the blob, or, when no worker controls the page or
 * the stream fails (a worker from before this version, say), the whole blob as an object URL.
 */
function usePlayable(id: string | null): { src: string | null; onError: () => void } {
  // the id whose stream failed: another blob is streamed again
  const [failed, setFailed] = useState<string | null>(null)
  const stream = useMemo(() => (id && failed !== id ? streamUrl(id) : null), [id, failed])
  const whole = useBlobUrl(id && !stream ? id : null)
  return { src: stream ?? whole, onError: () => stream && setFailed(id) }
}

/** `tile`: the photo fills a square its container sizes (an album's), rather than a box of its own shape. */
function Photo({
  src,
  thumb,
  w,
  h,
  alt,
  tile,
  gone,
}: {
  src: string | null
  thumb?: string
  w?: number
  h?: number
  alt: string
  tile?: boolean
  /** the server no longer has it */
  gone?: boolean
}) {
  const [shown, setShown] = useState(false)
  const size = tile ? null : box(w, h)
  const ph = placeholder(thumb)
  return (
    // its shape as an aspect-ratio, not a height: a bubble narrower than the box scales it down (max-width, app.css)
    <span
      class="media-photo"
      style={size ? { width: `${size.width}px`, aspectRatio: `${size.width} / ${size.height}` } : undefined}
    >
      {/* under the picture while it fades in */}
      {ph && <img class="media-photo__ph" src={ph} alt="" aria-hidden="true" />}
      {src && (
        <img
          class={`media-photo__img ${shown ? 'is-shown' : ''}`}
          src={src}
          alt={alt}
          width={size?.width}
          height={size?.height}
          onLoad={() => setShown(true)}
        />
      )}
      {gone && !src && <span class="media-gone">{t('media.gone')}</span>}
    </span>
  )
}

/** A name for a photo or video saved from a chat: Sori, the day it is saved, and its type's extension. */
const fileName = (m: Pick<MediaRef, 'id' | 'mime'>): string =>
  `sori-${new Date().toISOString().slice(0, 10)}-${m.id.slice(0, 8)}.${EXTENSIONS[m.mime] ?? m.mime.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin'}`
const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'video/quicktime': 'mov', 'image/svg+xml': 'svg' }

/** Fetches the blob (from the cache when it is there) and saves it under `name`. */
async function save(id: string, name: string): Promise<void> {
  const url = await blobUrl(id)
  if (!url) return
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
}

function FileCard({ name, size, id }: { name: string; size: number; id: string | null }) {
  return (
    <span class="media-file">
      <span class="media-file__name">{name}</span>
      <span class="media-file__size">{formatBytes(size)}</span>
      {id && isGone(id) ? (
        <span class="media-file__gone">{t('media.gone')}</span>
      ) : (
        id && (
          <button type="button" class="media-file__get" onClick={() => void save(id, name)}>
            {t('media.download')}
          </button>
        )
      )}
    </span>
  )
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** A video: its placeholder and length until played; its bytes load only when asked for (they can be large). */
function Video({ media }: { media: MediaRef }) {
  const [play, setPlay] = useState(false)
  const { src, onError } = usePlayable(play ? media.id : null)
  const gone = isGone(media.id)
  const size = box(media.w, media.h)
  if (gone) return <Photo src={null} thumb={media.thumb} w={media.w} h={media.h} alt={t('media.video')} gone />
  if (play && src)
    return (
      <video
        class="media-video"
        src={src}
        poster={placeholder(media.thumb)}
        onError={onError}
        controls
        autoPlay
        playsInline
        width={size.width}
        height={size.height}
      >
        {t('media.video')}
      </video>
    )
  return (
    <button type="button" class="media-open" onClick={() => setPlay(true)} aria-label={t('media.playVideo')}>
      <Photo src={null} thumb={media.thumb} w={media.w} h={media.h} alt="" />
      <span class="media-play" aria-hidden="true">
        ▶
      </span>
      {media.dur !== undefined && <span class="media-dur">{formatDuration(media.dur)}</span>}
    </button>
  )
}

/** A voice note: its length, and a player once asked for. */
function Voice({ media }: { media: MediaRef }) {
  const [play, setPlay] = useState(false)
  const { src, onError } = usePlayable(play ? media.id : null)
  if (play && src) return <audio class="media-voice" src={src} onError={onError} controls autoPlay />
  return (
    <button type="button" class="media-voice-btn" onClick={() => setPlay(true)} aria-label={t('media.playVoice')}>
      <span aria-hidden="true">▶</span>
      <span>{media.dur !== undefined ? formatDuration(media.dur) : t('media.voice')}</span>
    </button>
  )
}

/** The media of a sent message; `onView` opens a photo full screen. */
export function MediaContent({ media, onView }: { media: MediaRef; onView: (media: MediaRef) => void }) {
  if (media.kind === 'photo') return <PhotoContent media={media} onView={onView} />
  if (media.kind === 'video') return <Video media={media} />
  if (media.kind === 'voice') return <Voice media={media} />
  return <FileCard name={media.name ?? mediaLabel(media)} size={media.size} id={media.id} />
}

function PhotoContent({ media, onView }: { media: MediaRef; onView: (media: MediaRef) => void }) {
  const src = useBlobUrl(media.id)
  const gone = isGone(media.id)
  const alt = t('media.photo')
  return (
    <button type="button" class="media-open" onClick={() => onView(media)} aria-label={t('media.viewPhoto')}>
      <Photo src={src} thumb={media.thumb} w={media.w} h={media.h} alt={alt} gone={gone} />
    </button>
  )
}

/** Photos sent together, as a grid in one bubble: a tap opens one full screen, a long press its message's actions. */
export function AlbumGrid({
  items,
  onView,
  onActions,
}: {
  items: readonly { msgId: string; media: MediaRef }[]
  onView: (media: MediaRef) => void
  onActions: (index: number) => void
}) {
  const spans = albumSpans(items.length)
  return (
    <span class="album">
      {items.map((it, i) => (
        <AlbumTile
          key={it.msgId}
          {...it}
          span={spans[i]}
          label={`${t('media.viewPhoto')}, ${t('media.position', { n: i + 1, total: items.length })}`}
          onView={onView}
          onActions={() => onActions(i)}
        />
      ))}
    </span>
  )
}

function AlbumTile({
  msgId,
  media,
  span,
  label,
  onView,
  onActions,
}: {
  msgId: string
  media: MediaRef
  span: number
  /** "View photo, 2 of 5": which of them, for a screen reader */
  label: string
  onView: (media: MediaRef) => void
  onActions: () => void
}) {
  const src = useBlobUrl(media.id)
  const hold = useLongPress(onActions)
  return (
    <button
      type="button"
      class="media-open album__tile"
      style={{ gridColumn: `span ${span}` }}
      data-msg-id={msgId}
      {...hold}
      onClick={() => onView(media)}
      onContextMenu={(e) => {
        e.preventDefault()
        e.stopPropagation()
        onActions()
      }}
      aria-label={label}
    >
      <Photo src={src} thumb={media.thumb} alt={t('media.photo')} tile gone={isGone(media.id)} />
    </button>
  )
}

const REASONS: Record<string, string> = {
  too_large: 'media.error.tooLarge',
  quota_exceeded: 'media.error.quota',
  too_many_uploads: 'media.error.rate',
  not_an_image: 'media.error.notImage',
  malformed_media: 'media.error.notVideo',
}

/** A picked file not yet in the chat: its preview, how far it is, or why the server refused it. */
export function OutgoingContent({ v, onRemove }: { v: OutgoingView; onRemove: () => void }) {
  const percent = v.size > 0 ? Math.floor((100 * v.sent) / v.size) : 0
  return (
    <>
      {/* a refused "photo" may be no picture at all: only the refusal shows */}
      {v.failed ? null : v.kind === 'photo' ? (
        <Photo src={v.url} w={v.w} h={v.h} alt={t('media.photo')} />
      ) : v.kind === 'voice' ? (
        <span class="media-voice-btn">{t('media.voice')}</span>
      ) : (
        <FileCard name={v.name ?? t('media.file')} size={v.size} id={null} />
      )}
      {v.failed ? (
        <span class="media-out__failed" role="alert">
          {t(REASONS[v.failed] ?? 'media.error.other')}
          <button type="button" class="media-out__remove" onClick={onRemove}>
            {t('media.remove')}
          </button>
        </span>
      ) : connection.value === 'offline' ? (
        // nothing moves until the phone is back online: the same mark as a text waiting to be sent
        <span class="media-out__progress msg__waiting">
          <IconClock />
          <span>{t('room.waiting')}</span>
          <CancelSend onCancel={onRemove} />
        </span>
      ) : (
        <span class="media-out__progress">
          <progress max={100} value={percent} aria-label={t('media.sending')} />
          <span>{t('media.percent', { percent })}</span>
          <CancelSend onCancel={onRemove} />
        </span>
      )}
    </>
  )
}

/** Photos picked together and on their way, as the album they will be: each with how far it is, and its own Cancel. */
export function OutgoingAlbum({ vs, onRemove }: { vs: readonly OutgoingView[]; onRemove: (msgId: string) => void }) {
  const spans = albumSpans(vs.length)
  const offline = connection.value === 'offline'
  return (
    <span class="album">
      {vs.map((v, i) => (
        <span key={v.msgId} class="album__tile album__tile--out" style={{ gridColumn: `span ${spans[i]}` }} data-out-id={v.msgId}>
          <img class="album__img" src={v.url} alt={t('media.photo')} />
          {/* which one a Cancel stops, for a screen reader: "2 of 5" */}
          <span class="visually-hidden" id={`out-${v.msgId}`}>
            {t('media.position', { n: i + 1, total: vs.length })}
          </span>
          {offline ? (
            <span class="album__state msg__waiting" title={t('room.waiting')}>
              <IconClock />
            </span>
          ) : (
            <progress
              class="album__progress"
              max={100}
              value={v.size > 0 ? Math.floor((100 * v.sent) / v.size) : 0}
              aria-label={t('media.sending')}
            />
          )}
          <span class="album__cancel">
            <CancelSend onCancel={() => onRemove(v.msgId)} describedBy={`out-${v.msgId}`} />
          </span>
        </span>
      ))}
    </span>
  )
}

/** One photo or video full screen, over everything, among `items` (oldest first): Previous and Next, the
 * arrow keys or a swipe go through them; Escape or the close button closes it. */
export function MediaViewer({ items, start, onClose }: { items: readonly MediaRef[]; start: number; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const [at, setAt] = useState(start)
  const downX = useRef<number | null>(null)
  const item = items[at]
  const photo = useBlobUrl(item?.kind === 'photo' ? item.id : null)
  const video = usePlayable(item?.kind === 'video' ? item.id : null)
  const src = item?.kind === 'video' ? video.src : photo
  useBackCloses(onClose)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
    return () => d?.close()
  }, [])
  const go = (step: number) => setAt((i) => Math.max(0, Math.min(items.length - 1, i + step)))
  if (!item) return null
  const alt = item.kind === 'video' ? t('media.video') : t('media.photo')
  return (
    <dialog
      ref={ref}
      class="viewer"
      aria-label={alt}
      onClose={onClose}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') go(document.dir === 'rtl' ? 1 : -1)
        if (e.key === 'ArrowRight') go(document.dir === 'rtl' ? -1 : 1)
      }}
      onPointerDown={(e) => (downX.current = e.clientX)}
      onPointerUp={(e) => {
        const dx = downX.current === null ? 0 : e.clientX - downX.current
        downX.current = null
        if (Math.abs(dx) > 50) go(dx < 0 ? 1 : -1)
      }}
      // the browser took the gesture over (a pinch, a vertical pan): no swipe
      onPointerCancel={() => (downX.current = null)}
      // a picture dragged with the mouse would start the browser's drag of the image, and no pointerup come
      onDragStart={(e) => e.preventDefault()}
    >
      {src &&
        (item.kind === 'video' ? (
          <video
            key={item.id}
            class="viewer__img"
            src={src}
            poster={placeholder(item.thumb)}
            onError={video.onError}
            controls
            autoPlay
            playsInline
          />
        ) : (
          <img key={item.id} class="viewer__img" src={src} alt={alt} draggable={false} />
        ))}
      {!src && placeholder(item.thumb) && <img class="viewer__img" src={placeholder(item.thumb)} alt="" aria-hidden="true" />}
      {!src && isGone(item.id) && <p class="viewer__gone">{t('media.gone')}</p>}
      <button class="icon-btn viewer__close" onClick={onClose} aria-label={t('app.close')}>
        <IconClose />
      </button>
      {/* kept on the phone, as any messenger's viewer offers (a video too: its bytes, from the cache or the server) */}
      <button class="btn viewer__save" onClick={() => void save(item.id, item.name ?? fileName(item))}>
        {t('media.download')}
      </button>
      {items.length > 1 && (
        <div class="viewer__nav">
          <button class="btn" onClick={() => go(-1)} disabled={at === 0}>
            {t('media.previous')}
          </button>
          <span class="viewer__pos">{t('media.position', { n: at + 1, total: items.length })}</span>
          <button class="btn" onClick={() => go(1)} disabled={at === items.length - 1}>
            {t('media.next')}
          </button>
        </div>
      )}
    </dialog>
  )
}

/** A chat's photos and videos, newest first, as a grid; a tap opens one full screen. */
export function GalleryGrid({ items, onOpen }: { items: readonly MediaRef[]; onOpen: (index: number) => void }) {
  if (items.length === 0) return <p class="muted pad">{t('media.galleryEmpty')}</p>
  return (
    <ul class="gallery" aria-label={t('media.gallery')}>
      {items.map((m, i) => (
        <li key={m.id}>
          <GalleryThumb media={m} onOpen={() => onOpen(i)} />
        </li>
      ))}
    </ul>
  )
}

function GalleryThumb({ media, onOpen }: { media: MediaRef; onOpen: () => void }) {
  const src = useBlobUrl(media.kind === 'photo' ? media.id : null)
  const ph = placeholder(media.thumb)
  const label = media.kind === 'video' ? t('media.playVideo') : t('media.viewPhoto')
  return (
    <button type="button" class="gallery__item" onClick={onOpen} aria-label={label}>
      {ph && <img class="gallery__img" src={ph} alt="" aria-hidden="true" />}
      {src && <img class="gallery__img" src={src} alt="" aria-hidden="true" />}
      {media.kind === 'video' && (
        <span class="media-play media-play--small" aria-hidden="true">
          ▶
        </span>
      )}
    </button>
  )
}
