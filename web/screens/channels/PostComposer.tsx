// Writing a post, for a channel's admins: text, a photo or a video (made ready on the device as a chat's,
// uploaded for this channel, the text then its caption), up to five buttons that open web pages, and the
// advertising mark, and a coupon (made on the server first: the post carries its id and title). Checked
// with the server's own grammar (checkPost) before it is sent. Sent now, or scheduled: the server then
// publishes it at the chosen time (this device's clock and time zone pick it; the server keeps the
// instant). A scheduled post carries no photo or video. A post for one customer group goes to that group's
// feed instead of the channel's, now (never scheduled) and to every language.
import { useEffect, useRef, useState } from 'preact/hooks'
import { MAX_BUTTON_LABEL_CHARS, MAX_POST_BUTTONS, MAX_POST_CHARS, type PostButton } from '../../../protocol/channels.ts'
import type { MediaRef } from '../../../protocol/messages.ts'
import { pickMedia, postToChannel, uploadChannelMedia, type PickedMedia } from '../../models/channel-actions.ts'
import { localInput, schedulePost } from '../../models/scheduled.ts'
import { formatLongDate, formatTime, languageName } from '../../i18n/format.ts'
import { createCoupon } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { CouponFields, newDraft, readDraft, type CouponDraft } from '../coupons/CouponFields.tsx'
import { couponError } from '../coupons/couponError.ts'

/** The grammar's reason, said in the user's language. */
function reasonText(why: string): string {
  if (/label/.test(why)) return t('channels.error.label')
  if (/link|url/i.test(why)) return t('channels.error.link')
  if (/text/.test(why)) return t('channels.error.text')
  return t('channels.error.other')
}

const MEDIA_REASONS: Record<string, string> = {
  too_large: 'media.error.tooLarge',
  quota_exceeded: 'media.error.quota',
  not_an_image: 'media.error.notImage',
}

/** Why picked media could not be uploaded, said in the user's language. */
function mediaErrorText(err: unknown): string {
  const code = (err as { code?: unknown }).code
  const key = typeof code === 'string' ? MEDIA_REASONS[code] : undefined
  return key ? t(key) : errorText(err)
}

/** The picked photo (its object URL) or video (its label) above the text, and a way to take it out. */
function PickedPreview({ picked, onRemove }: { picked: PickedMedia; onRemove: () => void }) {
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

/**
 * `langs`: the languages the channel posts in, which a post may be kept to. `groups`: the channel's
 * customer groups, one of which a post may be for instead.
 */
export function PostComposer({
  id,
  langs,
  groups = [],
}: {
  id: string
  langs: readonly string[]
  groups?: readonly { id: string; name: string }[]
}) {
  const [text, setText] = useState('')
  // the languages the post is for; none ticked: everyone
  const [audience, setAudience] = useState<string[]>([])
  // the customer group the post is for ('': the channel's own feed); a group that went counts as none
  const [groupPick, setGroup] = useState('')
  const group = groups.some((g) => g.id === groupPick) ? groupPick : ''
  const [buttons, setButtons] = useState<PostButton[]>([])
  const [ad, setAd] = useState(false)
  const [coupon, setCoupon] = useState<CouponDraft | null>(null)
  // made already by an attempt whose post failed: a retry posts it instead of making another
  const [made, setMade] = useState<{ draft: CouponDraft; id: string; title: string } | null>(null)
  const [error, setError] = useState('')
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  // the datetime-local value when the post is to go out later; null: now
  const [later, setLater] = useState<string | null>(null)
  const [picked, setPicked] = useState<PickedMedia | null>(null)
  // uploaded already by an attempt whose post failed: a retry posts it instead of uploading it again
  const [uploaded, setUploaded] = useState<{ picked: PickedMedia; media: MediaRef } | null>(null)
  const [progress, setProgress] = useState('')
  const picker = useRef<HTMLInputElement>(null)
  const setButton = (i: number, b: Partial<PostButton>) => setButtons((all) => all.map((x, j) => (j === i ? { ...x, ...b } : x)))

  async function send(e: Event) {
    e.preventDefault()
    setError('')
    setDone('')
    setBusy(true)
    try {
      let ref: { id: string; title: string } | undefined
      if (coupon) {
        if (made?.draft === coupon) ref = { id: made.id, title: made.title }
        else {
          const c = readDraft(coupon)
          if (typeof c === 'string') return setError(c)
          try {
            const created = await createCoupon(id, c)
            ref = { id: created.id, title: created.title }
            setMade({ draft: coupon, ...ref })
          } catch (err) {
            return setError(couponError(err))
          }
        }
      }
      let media: MediaRef | undefined
      if (picked) {
        if (uploaded?.picked === picked) media = uploaded.media
        else {
          try {
            media = await uploadChannelMedia(id, picked, (sent) =>
              setProgress(t('media.percent', { percent: Math.floor((100 * sent) / Math.max(1, picked.file.size)) })),
            )
            setUploaded({ picked, media })
          } catch (err) {
            return setError(mediaErrorText(err))
          } finally {
            setProgress('')
          }
        }
      }
      // a photo or video takes the text as its caption, which may be empty
      const caption = text.trim() || ref?.title || ''
      const post = {
        ...(picked && media
          ? { kind: picked.kind, media, ...(caption ? { text: caption } : {}) }
          : { kind: 'text' as const, text: caption }),
        ...(buttons.length ? { buttons } : {}),
        ...(ad ? { ad: true } : {}),
        ...(ref ? { coupon: ref } : {}),
        // in the channel's order, and only languages it still posts in; a group's post is for all of its people
        ...(audience.length && !group ? { langs: langs.filter((l) => audience.includes(l)) } : {}),
      }
      if (group) await postToChannel(group, post)
      else if (later !== null) {
        const at = new Date(later).getTime()
        if (!Number.isFinite(at) || at <= Date.now()) return setError(t('scheduled.past'))
        await schedulePost(id, post, at)
      } else await postToChannel(id, post)
      const when = later === null ? null : new Date(later).getTime()
      setText('')
      setLater(null)
      setButtons([])
      setAd(false)
      setAudience([])
      setGroup('')
      setCoupon(null)
      setMade(null)
      setPicked(null)
      setUploaded(null)
      setDone(when === null ? t('channels.posted') : t('scheduled.done', { when: `${formatLongDate(when)} ${formatTime(when)}` }))
    } catch (err) {
      // the grammar's refusals (the server's too, as bad_request) name their reason; others have a code of their own
      const code = (err as { code?: unknown }).code
      setError(typeof code === 'string' && code !== 'bad_request' ? errorText(err) : reasonText((err as Error).message))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card form" onSubmit={send} aria-labelledby="compose-title">
      <h2 class="card__title" id="compose-title">
        {t('channels.compose')}
      </h2>
      <label class="field">
        <span class="field__label">{t('channels.postText')}</span>
        <textarea rows={4} maxLength={MAX_POST_CHARS} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {picked ? (
        <PickedPreview picked={picked} onRemove={() => setPicked(null)} />
      ) : (
        later === null && (
          <button type="button" class="btn btn--small" onClick={() => picker.current?.click()}>
            {t('channels.addMedia')}
          </button>
        )
      )}
      <input
        ref={picker}
        type="file"
        accept="image/*,video/*"
        hidden
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (!file) return
          setError('')
          void pickMedia(file).then((p) => (p ? setPicked(p) : setError(t('media.error.other'))))
        }}
      />
      {buttons.map((b, i) => (
        <fieldset key={i} class="post-button-field">
          <legend>{t('channels.buttonN', { n: i + 1 })}</legend>
          <label class="field">
            <span class="field__label">{t('channels.buttonLabel')}</span>
            <input
              maxLength={MAX_BUTTON_LABEL_CHARS}
              value={b.label}
              onInput={(e) => setButton(i, { label: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.buttonUrl')}</span>
            <input
              type="url"
              placeholder="https://"
              value={b.url}
              onInput={(e) => setButton(i, { url: e.currentTarget.value })}
            />
          </label>
          <button type="button" class="btn btn--small" onClick={() => setButtons((all) => all.filter((_, j) => j !== i))}>
            {t('channels.removeButton')}
          </button>
        </fieldset>
      ))}
      {buttons.length < MAX_POST_BUTTONS && (
        <button type="button" class="btn btn--small" onClick={() => setButtons((all) => [...all, { label: '', url: '' }])}>
          {t('channels.addButton')}
        </button>
      )}
      {coupon ? (
        <CouponFields draft={coupon} onChange={(d) => setCoupon((c) => c && { ...c, ...d })} onRemove={() => setCoupon(null)} />
      ) : (
        <button type="button" class="btn btn--small" onClick={() => setCoupon(newDraft())}>
          {t('coupons.add')}
        </button>
      )}
      <label class="check">
        <input type="checkbox" checked={ad} onChange={(e) => setAd(e.currentTarget.checked)} />
        <span>{t('channels.adCheck')}</span>
      </label>
      {(langs.length > 1 || groups.length > 0) && (
        <fieldset class="audience">
          <legend class="field__label">{t('channels.audience')}</legend>
          {groups.length > 0 && (
            <label class="field">
              <span class="field__label">{t('channels.groups.pick')}</span>
              <select
                value={group}
                onChange={(e) => {
                  const g = e.currentTarget.value
                  setGroup(g)
                  // a group's post goes out now, to the whole group
                  if (g) setLater(null)
                }}
              >
                <option value="">{t('channels.groups.everyone')}</option>
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <p class="muted">
            {group
              ? t('channels.groups.audienceGroup')
              : audience.length
                ? t('channels.audienceSome')
                : langs.length > 1
                  ? t('channels.audienceAll')
                  : t('channels.groups.audienceEveryone')}
          </p>
          {langs.length > 1 &&
            langs.map((l) => (
              <label class="check" key={l}>
                <input
                  type="checkbox"
                  disabled={!!group}
                  checked={!group && audience.includes(l)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked
                    setAudience((all) => (on ? [...all, l] : all.filter((x) => x !== l)))
                  }}
                />
                <span>{languageName(l)}</span>
              </label>
            ))}
        </fieldset>
      )}
      {!picked && (
        <label class="check">
          <input
            type="checkbox"
            disabled={!!group}
            checked={later !== null}
            onChange={(e) => setLater(e.currentTarget.checked ? localInput(Date.now() + 3_600_000) : null)}
          />
          <span>{t('scheduled.later')}</span>
        </label>
      )}
      {later !== null && (
        <label class="field">
          <span class="field__label">{t('scheduled.when')}</span>
          <input
            type="datetime-local"
            required
            min={localInput(Date.now())}
            value={later}
            onInput={(e) => setLater(e.currentTarget.value)}
          />
        </label>
      )}
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        <span class="muted" role="status">
          {progress || done}
        </span>
        <button class="btn btn--primary" type="submit" disabled={busy || (!text.trim() && !coupon && !picked)}>
          {later !== null ? t('scheduled.submit') : t('channels.post')}
        </button>
      </div>
    </form>
  )
}
