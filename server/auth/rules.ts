// What makes a handle, display name, status, password or language acceptable.
import {
  HANDLE_RE,
  MAX_NAME_CHARS,
  MAX_PASSWORD_CHARS,
  MAX_STATUS_CHARS,
  MAX_TITLE_CHARS,
  MIN_PASSWORD_CHARS,
  LANGS,
} from '../../protocol/limits.ts'
import { HttpError } from '../http/errors.ts'
import { isSafeLine, showsSomething } from '../../protocol/text.ts'

export { LANGS }

/** Handles are compared case-insensitively: they are lower-cased (and trimmed) before anything else. */
export const normalizeHandle = (handle: string): string => handle.trim().toLowerCase()

export function checkHandle(raw: string): string {
  const handle = normalizeHandle(raw)
  if (!HANDLE_RE.test(handle)) {
    throw new HttpError(400, 'handle_invalid', 'A handle is 3 to 20 characters: letters a-z, digits 0-9, "." and "_".')
  }
  return handle
}

/**
 * Trimmed, NFC, without control, separator or direction characters (they let a name disguise itself), nor
 * half of a character; at most `max` UTF-16 code units; null when unacceptable.
 */
export function cleanText(raw: string, min: number, max: number): string | null {
  const s = raw.normalize('NFC').trim()
  if (s.length < min || s.length > max || !isSafeLine(s)) return null
  return s
}

export function checkName(raw: string): string {
  const name = cleanText(raw, 1, MAX_NAME_CHARS)
  if (name === null || !showsSomething(name))
    throw new HttpError(
      400,
      'name_invalid',
      `A name is 1 to ${MAX_NAME_CHARS} characters, without control characters, and shows something.`,
    )
  return name
}

export function checkStatus(raw: string): string {
  const status = cleanText(raw, 0, MAX_STATUS_CHARS)
  if (status === null)
    throw new HttpError(
      400,
      'bad_request',
      `A status message is at most ${MAX_STATUS_CHARS} characters, without control characters.`,
    )
  return status
}

export function checkTitle(raw: string): string {
  const title = cleanText(raw, 0, MAX_TITLE_CHARS)
  if (title === null || (title !== '' && !showsSomething(title)))
    throw new HttpError(
      400,
      'title_invalid',
      `A chat title is at most ${MAX_TITLE_CHARS} characters, without control characters; one that is not empty shows something.`,
    )
  return title
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
    throw new HttpError(400, 'password_weak', `A password is ${MIN_PASSWORD_CHARS} to ${MAX_PASSWORD_CHARS} characters.`)
  }
  return password
}

export function checkLang(lang: string): string {
  if (!(LANGS as readonly string[]).includes(lang))
    throw new HttpError(400, 'bad_request', `"lang" must be one of ${LANGS.join(', ')}.`)
  return lang
}

const MAX_DEVICE_CHARS = 100

/**
 * A device label, as shown in the list of signed-in devices (GET /api/sessions): cut to 100 characters (a
 * browser's user agent is often longer), and none at all when it holds control characters.
 */
export function cleanDevice(raw: string | undefined): string {
  if (raw === undefined) return ''
  const s = raw.normalize('NFC').trim()
  // cut by UTF-16 units, then off any half surrogate pair the cut left
  const cut = s.length > MAX_DEVICE_CHARS ? s.slice(0, MAX_DEVICE_CHARS).replace(/[\uD800-\uDBFF]$/, '') : s
  return cleanText(cut, 0, MAX_DEVICE_CHARS) ?? ''
}
