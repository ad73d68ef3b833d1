// A preview card under a message that names a web page: its title, description, site and picture, as
// Sori's server read them (GET /api/previews). The picture comes from Sori too, so the site never learns
// who looks at it. Each address is asked for once per page load; nothing is shown when there is no
// preview. A device setting turns the cards off, and then the server is never asked.
import { signal } from '@preact/signals'
import { useEffect, useState } from 'preact/hooks'
import { ApiFailure, api } from '../../account/api.ts'
import { serverPicture } from '../../media/server-picture.ts'
import { t } from '../../app/t.ts'
import { linkRuns, neutral, UserText } from '../../components/UserText.tsx'

const SETTING_KEY = 'sori.linkPreviews'

function stored(): boolean {
  try {
    return localStorage.getItem(SETTING_KEY) !== 'off'
  } catch {
    return true
  }
}

/** Whether this device shows link previews (on unless turned off). */
export const linkPreviewsOn = signal<boolean>(stored())

export function setLinkPreviews(on: boolean): void {
  linkPreviewsOn.value = on
  try {
    if (on) localStorage.removeItem(SETTING_KEY)
    else localStorage.setItem(SETTING_KEY, 'off')
  } catch {
    /* storage blocked: the choice holds until the page is closed */
  }
}

/** GET /api/previews's answer (server/previews/routes.ts). */
interface Preview {
  url: string
  title: string
  description: string
  site: string
  image: string | null
}

interface Shown extends Preview {
  /** an object URL of the thumbnail's bytes */
  src: string | null
}

const loaded = new Map<string, Promise<Shown | null>>()

function load(url: string): Promise<Shown | null> {
  let p = loaded.get(url)
  if (!p) {
    p = api<Preview>('GET', `/api/previews?url=${encodeURIComponent(url)}`).then(
      async (v) => ({ ...v, src: v.image ? await serverPicture(v.image).catch(() => null) : null }),
      (e: unknown) => {
        // offline: asked again when the message is shown again; any answer of the server stands for this page load
        if (e instanceof ApiFailure && e.code === 'network') loaded.delete(url)
        return null
      },
    )
    loaded.set(url, p)
  }
  return p
}

/** The first web address in a message's text, as its link would open it. */
export function firstUrl(text: string): string | null {
  return linkRuns(neutral(text)).find((r) => r.href)?.href ?? null
}

export function LinkPreview({ text }: { text: string }) {
  const url = linkPreviewsOn.value ? firstUrl(text) : null
  const [shown, setShown] = useState<{ url: string; p: Shown } | null>(null)
  useEffect(() => {
    if (!url) return
    let live = true
    void load(url).then((p) => live && p && setShown({ url, p }))
    return () => {
      live = false
    }
  }, [url])
  if (!url || !shown || shown.url !== url) return null
  const { p } = shown
  return (
    <a class="link-card" href={url} target="_blank" rel="noopener noreferrer">
      {p.src && <img class="link-card__img" src={p.src} alt="" />}
      <span class="link-card__body">
        <UserText class="link-card__site" text={p.site} />
        <UserText class="link-card__title" text={p.title} />
        {p.description && <UserText class="link-card__desc" text={p.description} />}
      </span>
    </a>
  )
}

/** The device setting, for Settings. */
export function LinkPreviewSetting() {
  return (
    <section class="card" aria-labelledby="previews-title">
      <h2 class="card__title" id="previews-title">
        {t('previews.title')}
      </h2>
      <div class="stack">
        <label class="check">
          <input
            type="checkbox"
            name="link-previews"
            checked={linkPreviewsOn.value}
            onChange={(e) => setLinkPreviews(e.currentTarget.checked)}
          />
          <span>{t('previews.show')}</span>
        </label>
        <p class="muted">{t('previews.about')}</p>
      </div>
    </section>
  )
}
