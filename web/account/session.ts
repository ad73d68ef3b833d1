// The signed-in account. Kept in localStorage so it is there at once, offline, before any network.
import { signal } from '@preact/signals'
import type { Me, Session, SignInBody, SignUpBody, UpdateMeBody } from '../../protocol/api.ts'
import { api, onUnauthorized, setToken } from './api.ts'
import { dbName } from '../store/db-name.ts'
import { stashClear } from '../store/stash.ts'
import { snapshotClear } from '../store/room-snapshot.ts'
import { clearMediaCache } from '../media/cache-name.ts'
import { requestPersistence } from '../store/storage.ts'

export { api, ApiFailure } from './api.ts'

const KEY = 'sori:session'
/** an account has been signed in on this device before: its welcome screen opens on "Sign in", not "Sign up" */
const USED_KEY = 'sori:used'

function loadSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Session | null
    return s && typeof s.token === 'string' && s.user?.id ? s : null
  } catch {
    return null
  }
}

function markUsed(): void {
  try {
    localStorage.setItem(USED_KEY, '1')
  } catch {
    /* storage unavailable: the welcome screen offers "Sign up" first */
  }
}

const saved = loadSession()
setToken(saved?.token ?? null)
// (a device signed in before this key existed)
if (saved) markUsed()

export const me = signal<Me | null>(saved?.user ?? null)
/** The ID of the account the server signed out of this device (another device, a new password): the welcome screen says so */
export const endedElsewhere = signal<string | null>(null)
/** The account was deleted from this device: the welcome screen says so (not "signed out elsewhere") */
export const accountDeleted = signal(false)
/** this device is signing out itself: the sockets the server then closes (4401) are not news to tell */
let leaving = false

function save(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s))
  else localStorage.removeItem(KEY)
  setToken(s?.token ?? null)
  me.value = s?.user ?? null
}

async function started(s: Session): Promise<void> {
  endedElsewhere.value = null
  accountDeleted.value = false
  leaving = false
  save(s)
  markUsed()
  void requestPersistence()
}

/** Whether an account was ever signed in on this device (someone new to Sori is offered "Sign up" first). */
export function usedBefore(): boolean {
  try {
    return localStorage.getItem(USED_KEY) !== null
  } catch {
    return false
  }
}

export async function signUp(b: SignUpBody): Promise<void> {
  await started(await api<Session>('POST', '/api/signup', b))
}

export async function signIn(b: SignInBody): Promise<void> {
  await started(await api<Session>('POST', '/api/signin', b))
}

/**
 * Forgets this account on this device: the session and its local database (history, outbox, caches).
 * Setting `me` to null first stops every provider and closes the database (see models/index.ts).
 */
export async function signedOut(byServer = false): Promise<void> {
  const id = me.value?.id
  if (byServer && !leaving && me.value) endedElsewhere.value = me.value.handle
  save(null)
  if (!id) return
  stashClear(dbName(id))
  snapshotClear(id)
  forgetAccountKeys(id)
  void clearMediaCache()
  void import('../push/subscription.ts').then((m) => m.forgetPush()).catch(() => {})
  // loaded on demand: the sign-in screen, which this module serves too, does without Dexie and Yjs
  await import('dexie')
    .then(({ default: Dexie }) => Dexie.delete(dbName(id)))
    .catch((e) => console.warn('sori: could not delete local data', e))
}

/**
 * The keys the channel models keep per account (`sori.channels.<id>`, `sori.channels.seen.<id>`,
 * `sori.insights.<id>`): which channels it follows and which posts it saw are not for the next person on
 * this device.
 */
function forgetAccountKeys(id: string): void {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith('sori.') && k.endsWith(`.${id}`)) localStorage.removeItem(k)
  } catch {
    /* storage unavailable: nothing kept */
  }
}

export async function signOut(all = false): Promise<void> {
  leaving = true
  try {
    await api('POST', all ? '/api/signout-all' : '/api/signout')
  } catch (e) {
    // signing out of this device works offline too (the token is forgotten); "all devices" needs the server
    if (all) {
      leaving = false
      throw e
    }
  }
  await signedOut()
}

/**
 * Ends this device's session by `call` (a request that signs it out or deletes the account): the server
 * closes this device's sockets as it answers, which is then not news from elsewhere. Nothing changes here
 * when the request fails.
 */
export async function endHere(call: () => Promise<unknown>): Promise<void> {
  leaving = true
  try {
    await call()
  } catch (e) {
    leaving = false
    throw e
  }
  await signedOut()
}

export async function updateMe(b: UpdateMeBody): Promise<void> {
  const user = await api<Me>('PATCH', '/api/me', b)
  const s = loadSession()
  if (s && s.user.id === user.id) save({ token: s.token, user })
}

/** Sets my profile photo (the server crops it square and keeps it without metadata), or removes it (null). */
export async function setMyPhoto(photo: Blob | null): Promise<void> {
  const user = photo ? await api<Me>('PUT', '/api/me/photo', photo) : await api<Me>('DELETE', '/api/me/photo')
  const s = loadSession()
  if (s && s.user.id === user.id) save({ token: s.token, user })
}

onUnauthorized(() => void signedOut(true))
