// Turns a failure from the data layer into a sentence for the user.
import { t } from './t.ts'

export function errorText(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : ''
  const status = typeof e === 'object' && e !== null && 'status' in e ? Number((e as { status: unknown }).status) : 0
  if (code && code !== 'internal') {
    const key = `errors.${code}`
    const text = t(key)
    if (text !== key) return text
  }
  if (status === 0 || !navigator.onLine) return t('errors.network')
  return t('errors.generic')
}
