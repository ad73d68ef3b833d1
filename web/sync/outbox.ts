// Sends what this device wrote, whichever screen is open. Every doc marked in the outbox's index
// (store/outbox.ts: it holds updates written here that the server has not acknowledged) is kept
// connected while a connection exists, until the server's acknowledgement clears the mark; then it
// is let go. At start, updates that a closed tab left in localStorage are stored (and so marked) first.
//
// With several tabs, a Web Lock per doc lets one tab at a time do it. That is not what makes delivery
// exactly once (Yjs updates are idempotent, and the server trims what it already holds): it only
// spares duplicate sockets.
import { effect, signal } from '@preact/signals'
import type { WebsocketProvider } from 'y-websocket'
import { CLOSE } from '../../protocol/wire.ts'
import { chatOf } from '../kinds/index.ts'
import { dropMark, watchUnsent } from '../store/outbox.ts'
import { stashedDocs } from '../store/stash.ts'
import { connection } from './connection.ts'
import { lostChats, openDoc } from './docs.ts'
import { withLock } from './lock.ts'

/** The docs holding updates written on this device that the server has not acknowledged (any tab's). */
export const unsentDocs = signal<ReadonlySet<string>>(new Set())

/**
 * A mark that appears while the app runs is usually the open chat's own, acknowledged within a round
 * trip over its socket: the outbox steps in only after this long (marks found at start, at once).
 */
const GRACE_MS = 3_000
/** failed connection attempts, while the inbox's socket is up, after which a doc is left for this session */
const GIVE_UP_FAILURES = 8

const lost = (name: string): boolean => lostChats.peek().has(chatOf(name) ?? '')

/** Starts the outbox of the account whose database is `dbName`; returns a function that stops it. */
export function startOutbox(dbName: string): () => void {
  let stopped = false
  /** docs this tab keeps connected, and how to let each go */
  const holds = new Map<string, () => void>()
  /** lock requests not granted yet */
  const waiting = new Map<string, AbortController>()
  /** docs the server keeps refusing: left alone until the next start */
  const givenUp = new Set<string>()
  /** when a doc may be taken on (GRACE_MS) */
  const eligibleAt = new Map<string, number>()
  let listed = false
  let timer: ReturnType<typeof setTimeout> | undefined

  // what a tab that went away kept in localStorage is stored (and marked) when its doc loads
  for (const name of stashedDocs(dbName)) {
    const ref = openDoc(name)
    void ref.loaded.finally(() => {
      if (!stopped) ref.release()
    })
  }

  const stopWatch = watchUnsent((docs) => {
    if (stopped) return
    const now = Date.now()
    for (const name of docs) if (!eligibleAt.has(name)) eligibleAt.set(name, listed ? now + GRACE_MS : now)
    for (const name of eligibleAt.keys()) if (!docs.includes(name)) eligibleAt.delete(name)
    listed = true
    unsentDocs.value = new Set(docs)
  })

  function pump(): void {
    if (stopped) return
    clearTimeout(timer)
    if (connection.peek() === 'offline') {
      // the provider would only retry in vain: connect again when the network is back
      for (const end of [...holds.values()]) end()
      for (const c of [...waiting.values()]) c.abort()
      return
    }
    const now = Date.now()
    let next = Infinity
    for (const name of unsentDocs.peek()) {
      if (holds.has(name) || waiting.has(name) || givenUp.has(name)) continue
      if (lost(name)) {
        // the server will never take it; the data stays in the doc
        void dropMark(name)
        continue
      }
      const at = eligibleAt.get(name) ?? now
      if (at > now) next = Math.min(next, at)
      else flush(name)
    }
    if (next < Infinity) timer = setTimeout(pump, next - now)
  }

  function flush(name: string): void {
    const ctl = new AbortController()
    waiting.set(name, ctl)
    withLock(
      `sori-outbox:${dbName}:${name}`,
      () => {
        waiting.delete(name)
        // another tab may have sent it while this one waited for the lock
        if (stopped || ctl.signal.aborted || !unsentDocs.peek().has(name)) return Promise.resolve()
        return hold(name)
      },
      ctl.signal,
    )
      .catch(() => undefined)
      .finally(() => {
        if (waiting.get(name) === ctl) waiting.delete(name)
        pump()
      })
  }

  /** Keeps `name` connected until it is acknowledged, given up, or the outbox lets it go. */
  function hold(name: string): Promise<void> {
    return new Promise((resolve) => {
      const ref = openDoc(name)
      const stopLive = ref.live()
      let failures = 0
      let watched: WebsocketProvider | null = null
      let ended = false
      const onClose = (event: CloseEvent | null): void => {
        const code = event?.code ?? 0
        if (code >= 4400 && code < 4500) giveUp()
        // a failure that is not the network's: the server keeps refusing this doc at the upgrade (a rate
        // limit is not one: what it refused is sent again once the limit lets it through)
        else if (code !== CLOSE.SLOW_DOWN && connection.peek() === 'online' && ++failures >= GIVE_UP_FAILURES) giveUp()
      }
      const onStatus = ({ status }: { status: string }): void => {
        if (status === 'connected') failures = 0
      }
      const unwatch = (): void => {
        watched?.off('connection-close', onClose)
        watched?.off('status', onStatus)
        watched = null
      }
      const end = (): void => {
        if (ended) return
        ended = true
        holds.delete(name)
        stopEffect()
        unwatch()
        stopLive()
        // after stop, closeAllDocs has destroyed every doc already
        if (!stopped) ref.release()
        resolve()
      }
      const giveUp = (): void => {
        givenUp.add(name)
        queueMicrotask(end)
      }
      holds.set(name, end)
      const stopEffect = effect(() => {
        if (!unsentDocs.value.has(name) || lostChats.value.has(chatOf(name) ?? '')) {
          queueMicrotask(end)
          return
        }
        const p = ref.provider()
        if (p === watched) return
        unwatch()
        watched = p
        p?.on('connection-close', onClose)
        p?.on('status', onStatus)
      })
    })
  }

  const stopPump = effect(() => {
    void unsentDocs.value
    void connection.value
    pump()
  })

  return () => {
    stopped = true
    clearTimeout(timer)
    stopPump()
    stopWatch()
    for (const end of [...holds.values()]) end()
    for (const c of [...waiting.values()]) c.abort()
    unsentDocs.value = new Set()
  }
}
