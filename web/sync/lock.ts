// One tab at a time for work that several tabs of this device could start together (the outbox's
// sockets, moving refused messages): a Web Lock, where the browser has them.

/**
 * Runs `fn` holding the lock `name` and resolves with what it resolves with; at once where the browser
 * has no Web Locks (there, two tabs may do it at once). `signal` withdraws a request not granted yet:
 * the promise then rejects (an AbortError).
 */
export function withLock<T>(name: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return fn()
  // the lock's promise resolves with what fn's promise resolves with (the DOM types nest them)
  return locks.request(name, signal ? { signal } : {}, fn).then((r) => r)
}
