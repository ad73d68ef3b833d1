// The account's own settings through /api: password, signed-in devices, the data export, deleting it.
import type { ChangePasswordBody, DataExport, DeviceSession, DeviceSessions } from '../../protocol/api.ts'
import { api } from './api.ts'
import { accountDeleted, endHere } from './session.ts'

export type { DeviceSession } from '../../protocol/api.ts'

/** Every other device is signed out by the server; this one stays signed in. */
export const changePassword = (b: ChangePasswordBody): Promise<void> => api('POST', '/api/me/password', b)

export const listDevices = async (): Promise<DeviceSession[]> => (await api<DeviceSessions>('GET', '/api/sessions')).sessions

/** Signs out one device; signing out this one forgets the account here as the sign-out button does. */
export async function signOutDevice(d: DeviceSession): Promise<void> {
  const call = () => api('DELETE', `/api/sessions/${encodeURIComponent(d.id)}`)
  if (d.current) await endHere(call)
  else await call()
}

/**
 * Deletes the account for good (the server asks for the password again), then forgets it on this device
 * as signing out does; the other devices are signed out by the server.
 */
export async function deleteAccount(password: string): Promise<void> {
  await endHere(async () => {
    await api('DELETE', '/api/me', { password })
    accountDeleted.value = true
  })
}

/** A short name for a device's label (its browser's user agent): "Chrome · Android", or '' when unknown. */
export function deviceName(ua: string): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /SamsungBrowser\//.test(ua)
      ? 'Samsung Internet'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : ''
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : ''
  const name = [browser, os].filter(Boolean).join(' · ')
  return name || ua.slice(0, 40)
}

/** Fetches the export and saves it as a JSON file. */
export async function downloadExport(): Promise<void> {
  const data = await api<DataExport>('GET', '/api/me/export')
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = `sori-${data.profile.handle}-${new Date(data.exported).toISOString().slice(0, 10)}.json`
  document.body.append(a)
  a.click()
  a.remove()
  // the download has taken the blob by the time the next task runs
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
