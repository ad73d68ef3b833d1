// The share screen's side of the messages with the app's page that opened it (docs/sdk.md, "The flow").
// Every message names its exact target origin, and a message is taken only from the window that opened
// this one, from one of the app's registered origins: a page of any other origin (a frame, another
// window) is ignored without a word.

/** The page's card: a template, or the id of a template the app stored in Sori with its args. */
export interface ShareRequest {
  /** the page's origin, one of the app's domains: the ticket is bound to it */
  origin: string
  /** the page's id of this send, echoed in the answer */
  id: string
  template?: unknown
  templateId?: string
  args?: Record<string, string>
}

export type ShareReply =
  | { type: 'sori:done'; id: string; sent: number }
  | { type: 'sori:cancel'; id: string }
  | { type: 'sori:error'; id: string; message: string }

const ID_MAX = 64
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isArgs = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((x) => typeof x === 'string')

/** `data` as a share request from `origin`, or null when it is not one (the server checks the template itself). */
function asRequest(data: unknown, origin: string): ShareRequest | null {
  if (!isObj(data) || data.type !== 'sori:share') return null
  if (typeof data.id !== 'string' || data.id.length === 0 || data.id.length > ID_MAX) return null
  if (data.args !== undefined && !isArgs(data.args)) return null
  if (typeof data.templateId === 'string') return { origin, id: data.id, templateId: data.templateId, args: data.args }
  if (!isObj(data.template)) return null
  return { origin, id: data.id, template: data.template, args: data.args }
}

/**
 * Calls `onRequest` with the first share request the opener sends from one of `domains`; returns a
 * function that stops listening.
 */
export function listenForRequest(domains: readonly string[], onRequest: (r: ShareRequest) => void): () => void {
  const onMessage = (e: MessageEvent) => {
    if (e.source === null || e.source !== window.opener || !domains.includes(e.origin)) return
    const r = asRequest(e.data, e.origin)
    if (r) onRequest(r)
  }
  addEventListener('message', onMessage)
  return () => removeEventListener('message', onMessage)
}

/**
 * Tells the opener the screen is ready, addressed to each of the app's origins in turn: only the one the
 * opener really is on receives it (the browser drops the others).
 */
export function sayReady(domains: readonly string[]): void {
  const opener = window.opener as Window | null
  if (!opener) return
  for (const d of domains) {
    try {
      opener.postMessage({ type: 'sori:ready' }, d)
    } catch {
      // a registered domain that is no origin the browser can address
    }
  }
}

/** Answers the page at `origin` (the origin its request came from, exactly). */
export function reply(origin: string, message: ShareReply): void {
  try {
    ;(window.opener as Window | null)?.postMessage(message, origin)
  } catch {
    // the page's window is gone: nobody to tell
  }
}
