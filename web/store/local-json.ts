// Small JSON values kept in localStorage (per-device choices and lists for offline starts). Storage
// may be blocked or full: reading then gives the fallback, and writing is skipped (the value is made
// again next time).
export function readLocal<T>(key: string, fallback: T): T {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? fallback
  } catch {
    return fallback
  }
}

/** Stores `v` under `key`; null removes it. */
export function writeLocal(key: string, v: unknown): void {
  try {
    if (v === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(v))
  } catch {
    /* storage blocked or full */
  }
}
