// A Sori Link card (protocol/link.ts): what an app's page sent into the chat through Sori's share screen,
// drawn from its template (feed, list, location, commerce, text, calendar) with the sending app named
// under it. A tap opens the app: its launch URL with the button's params, else the mobile web URL on a
// phone, else the web URL (KakaoLink's order); where the launch URL is the app's own scheme, which opens
// nothing when the app is not installed, the card also offers the web URL. The app learns only what its own page put in the card:
// Sori adds no session, identity or referrer, and the new page gets no handle on this one.
//
// Pictures: a chat never loads a third party's image directly (it would tell the app who reads the chat,
// and when): Sori's server fetches a card's picture from the app's own domains and serves its thumbnail
// (GET /api/previews/picture), which the card shows once it is there.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import {
  UNSAFE_SCHEMES,
  type AppPublic,
  type LinkButton,
  type LinkContent,
  type LinkPayload,
  type LinkTarget,
  type LinkTemplate,
} from '../../../protocol/link.ts'
import { api } from '../../account/api.ts'
import { t } from '../../app/t.ts'
import { formatNumber } from '../../i18n/format.ts'
import { lang } from '../../i18n/lang.ts'
import { isolate, UserText } from '../../components/UserText.tsx'
import { serverPicture } from '../../media/server-picture.ts'

/**
 * The apps asked for lately: a launch URL rarely changes, and asking at every tap would be slow. Kept a
 * minute, so that an app turned off (or back on) is seen as such; a turned-off answer not at all, so that
 * the next tap asks again.
 */
const apps = new Map<string, { p: Promise<AppPublic | null>; at: number }>()
const APP_KEPT_MS = 60_000

function appInfo(id: string): Promise<AppPublic | null> {
  const kept = apps.get(id)
  if (kept && Date.now() - kept.at < APP_KEPT_MS) return kept.p
  const p = api<AppPublic>('GET', `/api/apps/${encodeURIComponent(id)}/public`).then(
    (app) => {
      if (app.disabled) apps.delete(id)
      return app
    },
    () => {
      // asked again at the next tap: offline now, or the app is gone
      apps.delete(id)
      return null
    },
  )
  apps.set(id, { p, at: Date.now() })
  return p
}

/** card pictures of this page load, by app and URL: an object URL, or null when there is none */
const pictures = new Map<string, Promise<string | null>>()

function picture(appId: string, url: string): Promise<string | null> {
  const key = `${appId} ${url}`
  let p = pictures.get(key)
  if (!p) {
    p = api<{ image: string | null }>(
      'GET',
      `/api/previews/picture?app=${encodeURIComponent(appId)}&url=${encodeURIComponent(url)}`,
    )
      .then((r) => (r.image ? serverPicture(r.image) : null))
      .catch(() => {
        // offline, or refused: asked again when the card is drawn again
        pictures.delete(key)
        return null
      })
    pictures.set(key, p)
  }
  return p
}

/** The picture of a card's content, as Sori's server made it; nothing until (and unless) it is there. */
function Picture({ appId, url }: { appId: string; url: string }) {
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    void picture(appId, url).then((s) => live && setSrc(s))
    return () => {
      live = false
    }
  }, [appId, url])
  return src ? <img class="sori-link__picture" src={src} alt="" /> : null
}

const phone = (): boolean => matchMedia('(pointer: coarse)').matches

function openable(url: string | undefined): string | null {
  if (!url) return null
  try {
    return UNSAFE_SCHEMES.has(new URL(url).protocol.slice(0, -1)) ? null : url
  } catch {
    return null
  }
}

/** The web page of a link: the mobile one on a phone, else the other. */
const webUrl = (target: LinkTarget, onPhone: boolean): string | null =>
  openable(onPhone ? (target.mobileWebUrl ?? target.webUrl) : (target.webUrl ?? target.mobileWebUrl))

/**
 * Where a tap goes (KakaoLink's order): a link with params opens the app's launch URL with them, else the
 * mobile web URL on a phone, else the web URL. (A link without params names a web page, as Kakao's links
 * without execution params do.)
 */
function targetUrl(target: LinkTarget, launchUrl: string | null, onPhone: boolean): string | null {
  if (launchUrl && target.params) return openable(launchUrl.replace('{params}', new URLSearchParams(target.params).toString()))
  return webUrl(target, onPhone)
}

/** Opens the app at `target`; false when the app was turned off (its card stays, and says so). */
async function openTarget(appId: string, target: LinkTarget, offer: (url: string) => void): Promise<boolean> {
  const app = await appInfo(appId)
  if (app?.disabled) return false
  // offline (no answer): the web URL still opens
  const onPhone = phone()
  const url = targetUrl(target, app ? app.launchUrl : null, onPhone)
  if (!url) return true
  // no opener, no referrer: the app's page can neither reach back into Sori nor learn where it was opened from
  window.open(url, '_blank', 'noopener,noreferrer')
  // An app's own scheme (battle://...) opens the app, or nothing where none is installed, and no browser
  // says which: the card then offers the link's web page, for a tap of its own. (An http(s) launch URL
  // is a web page wherever no app takes it.)
  const web = webUrl(target, onPhone)
  if (!/^https?:/i.test(url) && web) offer(web)
  return true
}

/** A map of the address, for a location card (the address is the app's text, shown and searched as it is). */
const mapUrl = (address: string): string => `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`

function price(amount: number, currency: string): string {
  try {
    return formatNumber(amount, lang.value, { style: 'currency', currency })
  } catch {
    // a currency code Intl does not know: the number and the code as they are
    return `${formatNumber(amount)} ${currency}`
  }
}

function when(start: number, end: number | undefined): string {
  const o: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }
  const f = new Intl.DateTimeFormat(lang.value, o)
  return end && end > start ? f.formatRange(start, end) : f.format(start)
}

function Content({ c, children }: { c: LinkContent; children?: ComponentChildren }) {
  return (
    <>
      <UserText class="sori-link__title" text={c.title} />
      {children}
      {c.description && <UserText class="sori-link__desc" text={c.description} />}
    </>
  )
}

function Body({ tpl }: { tpl: LinkTemplate }) {
  switch (tpl.type) {
    case 'feed':
      return <Content c={tpl.content} />
    case 'text':
      return <UserText class="sori-link__text" text={tpl.text} />
    case 'location':
      return (
        <Content c={tpl.content}>
          <span class="sori-link__place">
            {tpl.addressTitle && <UserText class="sori-link__place-name" text={tpl.addressTitle} />}
            <UserText class="sori-link__address" text={tpl.address} />
          </span>
        </Content>
      )
    case 'commerce': {
      const { regularPrice, discountPrice, discountRate, currency } = tpl.commerce
      const sale = discountPrice !== undefined && discountPrice < regularPrice
      return (
        <Content c={tpl.content}>
          <span class="sori-link__price">
            {discountRate ? (
              <span class="sori-link__rate">{formatNumber(discountRate / 100, lang.value, { style: 'percent' })}</span>
            ) : null}
            <span class="sori-link__now">{price(sale ? discountPrice : regularPrice, currency)}</span>
            {sale && (
              <s class="sori-link__was">
                <span class="visually-hidden">{t('link.regularPrice')} </span>
                {price(regularPrice, currency)}
              </s>
            )}
          </span>
        </Content>
      )
    }
    case 'calendar':
      return (
        <Content c={tpl.content}>
          <span class="sori-link__event">
            <UserText class="sori-link__event-title" text={tpl.event.title} />
            <span class="sori-link__when">{when(tpl.event.start, tpl.event.end)}</span>
            {tpl.event.location && <UserText class="sori-link__where" text={tpl.event.location} />}
          </span>
        </Content>
      )
    case 'list':
      return <UserText class="sori-link__title" text={tpl.headerTitle} />
  }
}

/** The link a tap on the card's body opens. */
function mainTarget(tpl: LinkTemplate): LinkTarget {
  switch (tpl.type) {
    case 'text':
      return tpl.link
    case 'list':
      return tpl.headerLink
    default:
      return tpl.content.link
  }
}

function Control({ class: cls, onTap, children }: { class: string; onTap: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class={cls} onClick={onTap}>
      {children}
    </button>
  )
}

const Part = ({ class: cls, children }: { class: string; onTap: () => void; children: ComponentChildren }) => (
  <span class={cls}>{children}</span>
)

/**
 * The card of a link message. `preview`: the share screen's picture of it, exactly as it will look, whose
 * parts are text to read rather than controls (a tap there opens nothing).
 */
export function LinkCard({ link, preview }: { link: LinkPayload; preview?: boolean }) {
  const { template: tpl, app } = link
  const [gone, setGone] = useState(false)
  // the web page of a link whose app may not have opened (openTarget)
  const [offered, setOffered] = useState<string | null>(null)
  const open = (target: LinkTarget) => () => {
    setOffered(null)
    void openTarget(app.id, target, setOffered).then((opened) => setGone(!opened))
  }
  // in the preview, the card's parts are text to read, not controls
  const Tap = preview ? Part : Control
  const buttons: LinkButton[] = tpl.buttons ?? []
  return (
    <div class={`sori-link sori-link--${tpl.type}`} data-template={tpl.type}>
      {'content' in tpl && tpl.content.imageUrl && <Picture appId={app.id} url={tpl.content.imageUrl} />}
      <Tap class="sori-link__main" onTap={open(mainTarget(tpl))}>
        <Body tpl={tpl} />
      </Tap>
      {tpl.type === 'list' && (
        <ul class="sori-link__rows">
          {tpl.contents.map((c, i) => (
            <li key={i}>
              <Tap class="sori-link__row" onTap={open(c.link)}>
                <Content c={c} />
              </Tap>
            </li>
          ))}
        </ul>
      )}
      {(buttons.length > 0 || tpl.type === 'location') && (
        <span class="sori-link__buttons">
          {buttons.map((b, i) => (
            <Tap key={i} class="sori-link__button" onTap={open(b.link)}>
              <UserText text={b.title} />
            </Tap>
          ))}
          {tpl.type === 'location' &&
            (preview ? (
              <span class="sori-link__button">{t('link.map')}</span>
            ) : (
              <a class="sori-link__button" href={mapUrl(tpl.address)} target="_blank" rel="noopener noreferrer">
                {t('link.map')}
              </a>
            ))}
        </span>
      )}
      {offered && (
        <a class="sori-link__web" href={offered} target="_blank" rel="noopener noreferrer">
          {t('link.openWeb', { app: isolate(app.name) })}
        </a>
      )}
      {gone && (
        <span class="sori-link__gone" role="status">
          {t('link.unavailable', { app: isolate(app.name) })}
        </span>
      )}
      <span class="sori-link__app">
        {app.icon && <img class="sori-link__icon" src={app.icon} alt="" width={16} height={16} />}
        <span>{t('link.via', { name: isolate(app.name) })}</span>
      </span>
    </div>
  )
}
