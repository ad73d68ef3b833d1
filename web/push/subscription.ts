// This device's push subscription: turned on only from a tap in Settings (never an unprompted
// permission request), given to the server with the language notifications are worded in and whether
// they show the text, and handed over again at every start (a browser may rotate the endpoint, and the
// language may have changed). What the device chose is kept in localStorage, per account.
import { api } from '../account/api.ts'
import type { PushKey, PushState, PushSubscriptionBody } from '../../protocol/push.ts'
import { lang } from '../i18n/lang.ts'
import { readLocal, writeLocal } from '../store/local-json.ts'

const KEY = 'sori.push'

interface Chosen {
  user: string
  previews: boolean
}

export type PushSupport = 'ok' | 'unsupported' | 'blocked'

/** Whether this browser can notify at all, and whether the user blocked it. */
export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported'
  return Notification.permission === 'denied' ? 'blocked' : 'ok'
}

function chosen(user: string): Chosen | null {
  const c = readLocal<Chosen | null>(KEY, null)
  return c && c.user === user && typeof c.previews === 'boolean' ? c : null
}

// storage blocked: asked again next start
const choose = (c: Chosen | null): void => writeLocal(KEY, c)

const fromBase64Url = (s: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))

const sameKey = (a: ArrayBuffer | null | undefined, b: Uint8Array): boolean =>
  !!a && a.byteLength === b.length && new Uint8Array(a).every((x, i) => x === b[i])

/** The browser's subscription for the server's current key (a new one when the key changed). */
async function subscribe(): Promise<PushSubscription> {
  const reg = await navigator.serviceWorker.ready
  const key = fromBase64Url((await api<PushKey>('GET', '/api/push/key')).key)
  const had = await reg.pushManager.getSubscription()
  if (had && sameKey(had.options?.applicationServerKey, key)) return had
  await had?.unsubscribe()
  return await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
}

async function send(sub: PushSubscription, previews: boolean): Promise<PushState> {
  const json = sub.toJSON()
  const body: PushSubscriptionBody = {
    endpoint: sub.endpoint,
    keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    lang: lang.value,
    previews,
  }
  return await api<PushState>('PUT', '/api/push/subscription', body)
}

/** Asks for permission (call it from a tap) and subscribes this device; throws 'blocked' when refused. */
export async function turnOn(user: string, previews = true): Promise<PushState> {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('blocked')
  const state = await send(await subscribe(), previews)
  choose({ user, previews })
  return state
}

export async function turnOff(): Promise<void> {
  choose(null)
  const reg = await navigator.serviceWorker.getRegistration()
  await (await reg?.pushManager.getSubscription())?.unsubscribe()
  await api('DELETE', '/api/push/subscription')
}

export async function setPreviews(user: string, previews: boolean): Promise<PushState> {
  const state = await send(await subscribe(), previews)
  choose({ user, previews })
  return state
}

/** This device as the server knows it; on only when the browser still has the subscription too. */
export async function pushState(): Promise<PushState> {
  const state = await api<PushState>('GET', '/api/push/subscription')
  const reg = await navigator.serviceWorker.getRegistration()
  const sub = await reg?.pushManager.getSubscription()
  return { ...state, on: state.on && !!sub }
}

/**
 * At every start: hands the subscription over again (endpoint and language as they are now), or tells
 * the server it is gone when the user took the permission back in the browser.
 */
export async function resync(user: string): Promise<void> {
  const c = chosen(user)
  if (!c || pushSupport() === 'unsupported') return
  if (Notification.permission !== 'granted') {
    choose(null)
    await api('DELETE', '/api/push/subscription')
    return
  }
  await send(await subscribe(), c.previews)
}

/** Sign-out: the server drops the subscription with the session; the browser's goes too. */
export async function forgetPush(): Promise<void> {
  choose(null)
  const reg = await navigator.serviceWorker?.getRegistration()
  await (await reg?.pushManager.getSubscription())?.unsubscribe()
}
