// Storage health: persistent-storage request, usage estimate, and quota failures (then we keep working from the network).
import { signal } from '@preact/signals'

export const storageProblem = signal<'quota' | null>(null)

export async function storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean }> {
  const s = navigator.storage
  const est = (await s?.estimate?.()) ?? {}
  return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted: (await s?.persisted?.()) ?? false }
}

/** Asks the browser not to evict our data (called after sign-in; browsers may decide silently). */
export async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false
  } catch {
    return false
  }
}

const isQuota = (e: unknown): boolean => {
  const err = e as { name?: string; inner?: { name?: string } } | null
  return err?.name === 'QuotaExceededError' || err?.inner?.name === 'QuotaExceededError'
}

/**
 * Runs a local write. Storage failures never break the app: a full disk sets storageProblem='quota'
 * (the UI says so) and the data keeps flowing from the network; other failures are logged.
 */
export async function guardWrite<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write()
  } catch (e) {
    if (isQuota(e)) storageProblem.value = 'quota'
    else console.warn('sori: local write failed', e)
    return undefined
  }
}
