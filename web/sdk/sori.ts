// Sori Link's SDK for an app's web pages (docs/sdk.md): no dependencies, served by Sori at
// /sdk/v1/sori.js (a classic script that defines `Sori`) and /sdk/v1/sori.mjs (the same as an ES module).
// It never writes a message itself: it opens Sori's share screen at Sori's origin, hands it the card over
// postMessage (to that exact origin, from that exact window), and hears back how many chats it went to.
// the same checks Sori's server runs (it checks the URLs against the app's domains too): a mistake is told
// at once, before any window opens
import { APP_KEY_RE, LINK_TEMPLATE_ID_RE, checkArgs, checkTemplate } from '../../protocol/link.ts'
import type { AppPublic, LinkTemplate } from '../../protocol/link.ts'

export type SoriErrorCode = 'not_initialized' | 'not_registered' | 'invalid' | 'popup_blocked' | 'cancelled' | 'failed'

/** How a send fails: `code` says why (docs/sdk.md, "Errors"). */
export interface SoriError extends Error {
  code: SoriErrorCode
}

export interface SoriInitOptions {
  /** Sori's origin, e.g. https://sori.example; by default the origin this script was loaded from */
  origin?: string
}

export interface SoriSendResult {
  /** how many chats the card was sent to */
  sent: number
}

export interface SoriApi {
  readonly version: string
  init(appKey: string, options?: SoriInitOptions): void
  isInitialized(): boolean
  send(options: { template: LinkTemplate; args?: Record<string, string> }): Promise<SoriSendResult>
  sendCustom(templateId: string, args?: Record<string, string>): Promise<SoriSendResult>
}

type Card = { template: LinkTemplate } | { templateId: string }

const fail = (code: SoriErrorCode, message: string): SoriError =>
  Object.assign(new Error(`Sori: ${message}`), { name: 'SoriError', code })

const POPUP_W = 480
const POPUP_H = 720
/** how often the SDK looks whether the user closed the share window */
const CLOSED_POLL_MS = 400

function nonce(): string {
  const b = crypto.getRandomValues(new Uint8Array(12))
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

/** Opens the share screen: a popup beside the page on a desktop, a new tab on a phone. */
function openWindow(url: string, name: string): Window | null {
  if (matchMedia('(pointer: coarse)').matches) return window.open(url, name)
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - POPUP_W) / 2))
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - POPUP_H) / 2))
  return window.open(url, name, `popup=yes,width=${POPUP_W},height=${POPUP_H},left=${left},top=${top}`)
}

export function createSori(defaultOrigin: string): SoriApi {
  let appKey = ''
  let soriOrigin = ''
  /** resolves to why this page may not send (null: it may) */
  let refusal: Promise<string | null> | null = null
  /** the same once known: a send after a refusal opens no window */
  let refused: string | null = null
  /** the send in progress: a new one ends it */
  let current: { popup: Window; end: () => void } | null = null

  function init(key: string, options: SoriInitOptions = {}): void {
    if (typeof key !== 'string' || !APP_KEY_RE.test(key)) throw new TypeError('Sori.init: appKey is malformed')
    appKey = key
    soriOrigin = new URL(options.origin ?? defaultOrigin).origin
    refusal = fetch(`${soriOrigin}/api/apps/key/${encodeURIComponent(key)}`, { credentials: 'omit' }).then(
      async (res) => {
        // (Sori answers the same for a key no app has and for an app turned off: its owner turns it back on in My apps)
        if (res.status === 404) return `no app has the key ${key}, or its app is turned off (My apps, in Sori's Settings)`
        if (!res.ok) return `the app could not be checked (HTTP ${res.status})`
        const app = (await res.json()) as AppPublic
        if (app.disabled) return `the app "${app.name}" is disabled`
        if (!app.domains.includes(location.origin))
          return `${location.origin} is not registered for this app key (${key}): add it to the domains of "${app.name}" in Sori`
        return null
      },
      () => `${soriOrigin} could not be reached to check the app key`,
    )
    void refusal.then((why) => {
      refused = why
      if (why) console.error(`Sori: ${why}.`)
    })
  }

  function share(card: Card, args: Record<string, string> | undefined): Promise<SoriSendResult> {
    if (!refusal) return Promise.reject(fail('not_initialized', 'call Sori.init(appKey) first'))
    if (refused) return Promise.reject(fail('not_registered', refused))
    const checked = refusal
    current?.end()
    const id = nonce()
    const popup = openWindow(`${soriOrigin}/#/share/${encodeURIComponent(appKey)}`, `sori-share-${id}`)
    if (!popup) return Promise.reject(fail('popup_blocked', 'the share window was blocked: call send() from a click'))
    const origin = soriOrigin
    return new Promise<SoriSendResult>((resolve, reject) => {
      let settled = false
      const finish = (err: SoriError | null, result?: SoriSendResult) => {
        if (settled) return
        settled = true
        removeEventListener('message', onMessage)
        clearInterval(poll)
        if (current?.popup === popup) current = null
        if (err) reject(err)
        else resolve(result as SoriSendResult)
      }
      const onMessage = (e: MessageEvent) => {
        // only Sori's share window, at Sori's origin
        if (e.source !== popup || e.origin !== origin) return
        const d = e.data as { type?: unknown; id?: unknown; sent?: unknown; message?: unknown } | null
        if (!d || typeof d !== 'object') return
        if (d.type === 'sori:ready') popup.postMessage({ type: 'sori:share', id, ...card, ...(args ? { args } : {}) }, origin)
        else if (d.id !== id) return
        else if (d.type === 'sori:done') finish(null, { sent: typeof d.sent === 'number' ? d.sent : 0 })
        else if (d.type === 'sori:cancel') finish(fail('cancelled', 'the user cancelled'))
        else if (d.type === 'sori:error') finish(fail('failed', typeof d.message === 'string' ? d.message : 'the share failed'))
      }
      addEventListener('message', onMessage)
      const poll = setInterval(() => {
        if (popup.closed) finish(fail('cancelled', 'the share window was closed'))
      }, CLOSED_POLL_MS)
      current = { popup, end: () => (popup.close(), finish(fail('cancelled', 'another send started'))) }
      void checked.then((why) => {
        if (!why) return
        popup.close()
        finish(fail('not_registered', why))
      })
    })
  }

  return {
    version: '1',
    init,
    isInitialized: () => refusal !== null,
    send(options) {
      const template = typeof options === 'object' && options !== null ? options.template : undefined
      const why = checkTemplate(template, null) ?? (options?.args === undefined ? null : checkArgs(options.args))
      if (why) return Promise.reject(fail('invalid', why))
      return share({ template: template as LinkTemplate }, options.args)
    },
    sendCustom(templateId, args) {
      const why =
        typeof templateId !== 'string' || !LINK_TEMPLATE_ID_RE.test(templateId)
          ? 'templateId is not the id of a stored template'
          : args === undefined
            ? null
            : checkArgs(args)
      if (why) return Promise.reject(fail('invalid', why))
      return share({ templateId }, args)
    },
  }
}
