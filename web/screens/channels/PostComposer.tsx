// Writing a post, for a channel's admins, of any kind: text, a photo (or a wide one) or a video (made ready
// on the device as a chat's, uploaded for this channel, the text then its caption), a list of up to five
// items, or a carousel of two to six cards; up to five buttons that open web pages, the advertising mark,
// and a coupon (made on the server first: the post carries its id and title). Checked with the server's own
// grammar (checkPost) before anything is sent, and shown as followers will see it. Sent now, or scheduled:
// the server then publishes it at the chosen time (this device's clock and time zone pick it; the server
// keeps the instant). A scheduled post carries no photo or video. A post for one customer group goes to
// that group's feed instead of the channel's, now (never scheduled) and to every language.
import { useRef, useState } from 'preact/hooks'
import { MAX_POST_CHARS, type PostButton, type PostKind } from '../../../protocol/channels.ts'
import type { PostCoupon } from '../../../protocol/coupons.ts'
import type { MediaRef } from '../../../protocol/messages.ts'
import { pickMedia, postToChannel, uploadChannelMedia, type PickedMedia } from '../../models/channel-actions.ts'
import { me } from '../../models/index.ts'
import { localInput, schedulePost } from '../../models/scheduled.ts'
import { formatLongDate, formatTime } from '../../i18n/format.ts'
import { createCoupon } from '../../models/coupons.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { CouponFields, newDraft, readDraft, type CouponDraft } from '../coupons/CouponFields.tsx'
import { couponError } from '../coupons/couponError.ts'
import { AudienceFields } from './AudienceFields.tsx'
import { ButtonFields } from './ButtonFields.tsx'
import { CarouselFields } from './CarouselFields.tsx'
import { KindPicker } from './KindPicker.tsx'
import { ListFields } from './ListFields.tsx'
import { mediaErrorText, PickedPreview } from './MediaPick.tsx'
import { PostPreview } from './PostPreview.tsx'
import { draftPost, draftProblem, firstCards, firstItems, isVisual, reasonText } from './postDraft.ts'

/** Whether picked media suits a kind of post: a photo a photo or wide photo post, a video a video post. */
const suits = (k: PostKind, p: PickedMedia) =>
  k === 'video' ? p.kind === 'video' : (k === 'photo' || k === 'widePhoto') && p.kind === 'photo'

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
  const [kind, setKind] = useState<PostKind>('text')
  const [text, setText] = useState('')
  const [items, setItems] = useState(firstItems)
  const [cards, setCards] = useState(firstCards)
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
  // shown at once for a list or carousel, whose layout is the point; on a tap for the rest
  const [previewing, setPreviewing] = useState(false)
  const picker = useRef<HTMLInputElement>(null)
  const userId = me.value?.id ?? ''

  /** The post as it goes out, given its media and coupon once they are on the server. */
  const build = (media?: MediaRef, ref?: PostCoupon) =>
    draftPost({
      kind,
      text,
      items,
      cards,
      buttons,
      ad,
      // in the channel's order, and only languages it still posts in; a group's post is for all of its people
      langs: audience.length && !group ? langs.filter((l) => audience.includes(l)) : [],
      media,
      coupon: ref,
    })

  function chooseKind(k: PostKind) {
    setKind(k)
    setError('')
    if (picked && !suits(k, picked)) setPicked(null)
    // a scheduled post carries no photo or video
    if (isVisual(k)) setLater(null)
    if (k === 'list' || k === 'carousel') setPreviewing(true)
  }

  function pick(p: PickedMedia | null) {
    if (!p) return setError(t('media.error.other'))
    setPicked(p)
    // a scheduled post carries no photo or video
    setLater(null)
    // the kind follows what was picked: a video makes a video post, a photo a photo post unless a wide one
    if (!suits(kind, p)) setKind(p.kind)
  }

  async function send(e: Event) {
    e.preventDefault()
    setError('')
    setDone('')
    setBusy(true)
    try {
      const reuse = coupon && made?.draft === coupon ? { id: made.id, title: made.title } : undefined
      const newCoupon = coupon && !reuse ? readDraft(coupon) : null
      if (typeof newCoupon === 'string') return setError(newCoupon)
      const known = uploaded?.picked === picked ? uploaded?.media : undefined
      // a bad draft stops here: before a coupon is made or a photo uploaded
      const problem = draftProblem(build(known, reuse), userId, newCoupon?.title)
      if (problem) return setError(problem)
      let ref = reuse
      if (newCoupon && coupon) {
        try {
          const created = await createCoupon(id, newCoupon)
          ref = { id: created.id, title: created.title }
          setMade({ draft: coupon, ...ref })
        } catch (err) {
          return setError(couponError(err))
        }
      }
      let media = known
      if (picked && isVisual(kind) && !media) {
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
      const post = build(media, ref)
      if (group) await postToChannel(group, post)
      else if (later !== null) {
        const at = new Date(later).getTime()
        if (!Number.isFinite(at) || at <= Date.now()) return setError(t('scheduled.past'))
        await schedulePost(id, post, at)
      } else await postToChannel(id, post)
      const when = later === null ? null : new Date(later).getTime()
      setKind('text')
      setText('')
      setItems(firstItems())
      setCards(firstCards())
      setPreviewing(false)
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

  const visual = isVisual(kind)
  // why this post cannot wait: its photo or video would not be kept until then (the server refuses it); a
  // group's post goes out now too, which the group's own hint says (channels.groups.audienceGroup)
  const mediaNow = !group && (picked || visual) ? t('scheduled.mediaNow') : null
  // a coupon not made yet is not in the preview: its card would ask the server for it
  const shownCoupon = coupon && made?.draft === coupon ? { id: made.id, title: made.title } : undefined
  const empty = kind === 'text' ? !text.trim() && !coupon : visual && !picked
  return (
    // noValidate: every problem is said in the app's words by send(), and the messages of a try before are
    // cleared; the browser's own bubbles (a quantity of 0, a time past) left them standing
    // "Posted." is about the last post: gone once the next one is being written. In the next task: a render
    // between a checkbox's input and change events would set it back before its own handler saw it
    <form
      class="card form"
      noValidate
      onSubmit={send}
      onInput={() => done && setTimeout(() => setDone(''))}
      aria-labelledby="compose-title"
    >
      <h2 class="card__title" id="compose-title">
        {t('channels.compose')}
      </h2>
      <KindPicker kind={kind} onChange={chooseKind} />
      <label class="field">
        <span class="field__label">{t('channels.postText')}</span>
        <textarea rows={4} maxLength={MAX_POST_CHARS} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {picked ? (
        <PickedPreview picked={picked} onRemove={() => setPicked(null)} />
      ) : (
        (kind === 'text' || visual) &&
        later === null && (
          <button type="button" class="btn btn--small" onClick={() => picker.current?.click()}>
            {t('channels.addMedia')}
          </button>
        )
      )}
      <input
        ref={picker}
        type="file"
        accept={kind === 'video' ? 'video/*' : kind === 'text' ? 'image/*,video/*' : 'image/*'}
        hidden
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          e.currentTarget.value = ''
          if (!file) return
          setError('')
          void pickMedia(file).then(pick)
        }}
      />
      {kind === 'list' && <ListFields items={items} onChange={setItems} />}
      {kind === 'carousel' && <CarouselFields cards={cards} onChange={setCards} />}
      <ButtonFields buttons={buttons} onChange={setButtons} />
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
      <AudienceFields
        langs={langs}
        groups={groups}
        audience={audience}
        group={group}
        onAudience={setAudience}
        onGroup={(g) => {
          setGroup(g)
          // a group's post goes out now, to the whole group
          if (g) setLater(null)
        }}
      />
      {/* shown even when it cannot be used, with why: a choice that vanishes leaves the writer guessing */}
      <label class="check">
        <input
          type="checkbox"
          disabled={!!group || mediaNow !== null}
          aria-describedby={mediaNow ? 'schedule-now-only' : undefined}
          checked={later !== null}
          onChange={(e) => setLater(e.currentTarget.checked ? localInput(Date.now() + 3_600_000) : null)}
        />
        <span>{t('scheduled.later')}</span>
      </label>
      {mediaNow && (
        <p class="field__hint" id="schedule-now-only">
          {mediaNow}
        </p>
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
      <PostPreview
        post={build(uploaded?.picked === picked ? uploaded?.media : undefined, shownCoupon)}
        userId={userId}
        open={previewing}
        onToggle={() => setPreviewing((on) => !on)}
        picked={picked}
        couponToMake={coupon && !shownCoupon ? coupon : undefined}
      />
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        <span class="muted" role="status">
          {progress || done}
        </span>
        <button class="btn btn--primary" type="submit" disabled={busy || empty}>
          {later !== null ? t('scheduled.submit') : t('channels.post')}
        </button>
      </div>
    </form>
  )
}
