// The doc manager: one Y.Doc per doc name per tab, loaded from Dexie, live over y-websocket while wanted.
import * as Y from 'yjs'
import { signal, type Signal } from '@preact/signals'
import type { WebsocketProvider } from 'y-websocket'
import { CLOSE } from '../../protocol/wire.ts'
import { me, signedOut } from '../account/session.ts'
import { chatOf } from '../kinds/index.ts'
import { recordAck, storedAck } from '../store/outbox.ts'
import { forgetStored, persist, type Persistence } from '../store/persistence.ts'
import { connect, disconnect, type Ack } from './provider.ts'

interface Entry {
  name: string
  doc: Y.Doc
  store: Persistence
  loaded: Promise<void>
  refs: number
  liveRefs: number
  provider: WebsocketProvider | null
  /** the same, for effects (the models' typing follows the head's awareness) */
  providerSig: Signal<WebsocketProvider | null>
  /** a provider waits for the stored state, so the server never sees Dexie's copy as a live update */
  starting: boolean
  /** what the server is known to store, per clientID (persisted: 'sent' survives reload offline) */
  acked: Ack
  ackVersion: Signal<number>
  synced: Signal<boolean>
  /** this copy was set aside (resetDoc): it never connects again, and a new open starts afresh */
  stale: boolean
}

export interface DocRef {
  readonly name: string
  readonly doc: Y.Doc
  /** resolves when Dexie's copy is applied */
  readonly loaded: Promise<void>
  /** bumps whenever acknowledgements grow */
  readonly ackVersion: Signal<number>
  /** true while connected and synced with the server */
  readonly synced: Signal<boolean>
  /** the live provider (reading it inside an effect subscribes to changes) */
  provider(): WebsocketProvider | null
  /** true when the server stores the struct (client, clock) */
  isAcked(client: number, clock: number): boolean
  /** keeps the doc connected until the returned function is called */
  live(): () => void
  release(): void
}

const entries = new Map<string, Entry>()
/** conversations this user lost access to while the app ran (their providers were dropped) */
export const lostChats = signal<ReadonlySet<string>>(new Set())
/** called for every provider created (connection.ts watches the inbox one) */
const providerWatchers = new Set<(name: string, p: WebsocketProvider | null) => void>()
export const watchProviders = (fn: (name: string, p: WebsocketProvider | null) => void): (() => void) => {
  providerWatchers.add(fn)
  return () => providerWatchers.delete(fn)
}
/** run for every doc when it is first opened in this tab, until doc.destroy (the models keep the message index) */
type OpenHook = (name: string, doc: Y.Doc, loaded: Promise<void>) => void
const openHooks = new Set<OpenHook>()
export const onDocOpen = (fn: OpenHook): void => {
  openHooks.add(fn)
}

/** A doc whose update the server refused (4400), with the reason it gave. */
export interface RefusedDoc {
  readonly name: string
  readonly doc: Y.Doc
  readonly reason: string
  /** true when the server stores the struct (client, clock) */
  isAcked(client: number, clock: number): boolean
}
/** run when the server refuses an update of a doc (the models recover what they can: rehome.ts) */
const refusalHooks = new Set<(r: RefusedDoc) => void>()
export const onRefused = (fn: (r: RefusedDoc) => void): (() => void) => {
  refusalHooks.add(fn)
  return () => refusalHooks.delete(fn)
}

/** Merges what the server is known to store; `heard`: news from a socket, to be stored (not the stored copy). */
function mergeAck(e: Entry, sv: Ack, heard = true): void {
  let grew = false
  for (const [client, clock] of sv) {
    if ((e.acked.get(client) ?? 0) < clock) {
      e.acked.set(client, clock)
      grew = true
    }
  }
  if (!grew) return
  e.ackVersion.value++
  // stored with the outbox's marks: what it covers is no longer waiting (store/outbox.ts)
  if (heard) void recordAck(e.name, sv)
}

function refused(e: Entry, code: number, reason: string): void {
  if (code === CLOSE.REFUSED) {
    const r: RefusedDoc = { name: e.name, doc: e.doc, reason, isAcked: (client, clock) => (e.acked.get(client) ?? 0) > clock }
    for (const h of refusalHooks) h(r)
    return
  }
  if (code === CLOSE.UNAUTHORIZED) {
    void signedOut(true)
    return
  }
  if (code === CLOSE.FORBIDDEN) {
    const conv = chatOf(e.name)
    if (conv) loseChat(conv)
  }
}

/**
 * A chat this user cannot open (the server said so: a 4403 close, or 403/404 for its details): its sockets
 * stop, rather than being refused again every few seconds while its screen says so.
 */
export function loseChat(conv: string): void {
  if (lostChats.peek().has(conv)) return
  lostChats.value = new Set([...lostChats.value, conv])
  for (const e of entries.values()) if (chatOf(e.name) === conv) stopProvider(e)
}

/** A lost chat that came back (invited again): its documents in use sync again. */
export function foundChat(conv: string): void {
  if (!lostChats.peek().has(conv)) return
  const next = new Set(lostChats.peek())
  next.delete(conv)
  lostChats.value = next
  for (const e of entries.values()) if (chatOf(e.name) === conv && e.liveRefs > 0) startProvider(e)
}

function startProvider(e: Entry): void {
  if (e.provider || e.starting || e.stale) return
  e.starting = true
  void e.loaded.then(() => {
    e.starting = false
    if (e.liveRefs > 0 && entries.get(e.name) === e && !lostChats.peek().has(chatOf(e.name) ?? '')) createProvider(e)
  })
}

function createProvider(e: Entry): void {
  const userId = me.peek()?.id
  if (e.provider || !userId) return
  const p = connect(e.name, e.doc, userId, { ack: (sv) => mergeAck(e, sv), refused: (code, reason) => refused(e, code, reason) })
  p.on('sync', (s: boolean) => {
    e.synced.value = s
  })
  e.provider = p
  e.providerSig.value = p
  for (const w of providerWatchers) w(e.name, p)
}

function stopProvider(e: Entry): void {
  if (!e.provider) return
  disconnect(e.provider)
  e.provider = null
  e.providerSig.value = null
  e.synced.value = false
  for (const w of providerWatchers) w(e.name, null)
}

function drop(e: Entry): void {
  stopProvider(e)
  e.store.destroy()
  if (entries.get(e.name) === e) entries.delete(e.name)
  // let pending writes land before the doc goes
  void e.store.flush().then(() => e.doc.destroy())
}

function makeRef(e: Entry): DocRef {
  let released = false
  return {
    name: e.name,
    doc: e.doc,
    loaded: e.loaded,
    ackVersion: e.ackVersion,
    synced: e.synced,
    provider: () => e.providerSig.value,
    isAcked: (client, clock) => (e.acked.get(client) ?? 0) > clock,
    live() {
      let stopped = false
      e.liveRefs++
      if (!lostChats.peek().has(chatOf(e.name) ?? '')) startProvider(e)
      return () => {
        if (stopped) return
        stopped = true
        if (--e.liveRefs === 0) stopProvider(e)
      }
    },
    release() {
      if (released) return
      released = true
      if (--e.refs === 0) drop(e)
    },
  }
}

export function openDoc(name: string): DocRef {
  let e = entries.get(name)
  if (!e) {
    const doc = new Y.Doc()
    const store = persist(name, doc)
    const entry: Entry = {
      name,
      doc,
      store,
      refs: 0,
      liveRefs: 0,
      provider: null,
      providerSig: signal(null),
      starting: false,
      acked: new Map(),
      ackVersion: signal(0),
      synced: signal(false),
      loaded: Promise.resolve(),
      stale: false,
    }
    entry.loaded = Promise.all([
      store.loaded,
      storedAck(name).then((saved) => {
        if (saved.size) mergeAck(entry, saved, false)
      }),
    ]).then(() => undefined)
    entries.set(name, entry)
    e = entry
    for (const h of openHooks) h(name, doc, entry.loaded)
  }
  e.refs++
  return makeRef(e)
}

/**
 * Sets this device's copy of `doc` aside, for a copy the server will not take (it holds updates it
 * refused): the copy is disconnected for good (who still holds it keeps reading it), and forgotten in
 * storage, so that the next open of `name` reads the doc from the server alone.
 */
export async function resetDoc(name: string, doc: Y.Doc): Promise<void> {
  const e = entries.get(name)
  if (!e || e.doc !== doc) return
  e.stale = true
  stopProvider(e)
  e.store.destroy()
  entries.delete(name)
  // what was written before still lands first, and is then forgotten with the rest
  await e.store.flush()
  await forgetStored(name)
  for (const fn of resetHooks) fn(name)
}

/** run when a doc was set aside by resetDoc: whoever shows it opens it again (a fresh copy, from the server) */
const resetHooks = new Set<(name: string) => void>()
export const onReset = (fn: (name: string) => void): (() => void) => {
  resetHooks.add(fn)
  return () => resetHooks.delete(fn)
}

/** Closes every doc (sign-out, or switching accounts). */
export function closeAllDocs(): void {
  for (const e of [...entries.values()]) {
    stopProvider(e)
    e.store.destroy()
    e.doc.destroy()
  }
  entries.clear()
  lostChats.value = new Set()
}

/** Closes every open socket; y-websocket reconnects by itself (used when the OS reports offline). */
export function dropSockets(): void {
  for (const e of entries.values()) e.provider?.ws?.close()
}

/** Resolves when the ref is synced with the server, or false after `ms`. */
export function whenSynced(ref: DocRef, ms: number): Promise<boolean> {
  if (ref.synced.value) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop()
      resolve(false)
    }, ms)
    const stop = ref.synced.subscribe((s) => {
      if (!s) return
      clearTimeout(timer)
      queueMicrotask(() => stop())
      resolve(true)
    })
  })
}
