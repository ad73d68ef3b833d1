// What makes a channel's handle, name, description, category and languages acceptable (400 otherwise).
import {
  CHANNEL_CATEGORIES,
  MAX_CHANNEL_DESCRIPTION_CHARS,
  MAX_CHANNEL_NAME_CHARS,
  type ChannelCategory,
} from '../../protocol/channels.ts'
import { cleanText, LANGS } from '../auth/rules.ts'
import { showsSomething } from '../../protocol/text.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import type { JsonObject } from '../http/input.ts'

export function checkChannelName(raw: unknown): string {
  const name = typeof raw === 'string' ? cleanText(raw, 1, MAX_CHANNEL_NAME_CHARS) : null
  if (name === null || !showsSomething(name))
    throw new HttpError(
      400,
      'name_invalid',
      `A channel name is 1 to ${MAX_CHANNEL_NAME_CHARS} characters, without control characters, and shows something.`,
    )
  return name
}

export function checkDescription(raw: unknown): string {
  // a description may run over several lines: only its line breaks are let through of the controls
  const s = typeof raw === 'string' ? raw.normalize('NFC').trim() : null
  if (
    s === null ||
    s.length > MAX_CHANNEL_DESCRIPTION_CHARS ||
    /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u.test(s.replace(/\n/g, ''))
  )
    throw badRequest(
      `"description" is a string of at most ${MAX_CHANNEL_DESCRIPTION_CHARS} characters, without control characters.`,
    )
  return s
}

export function checkCategory(raw: unknown): ChannelCategory {
  if (!(CHANNEL_CATEGORIES as readonly unknown[]).includes(raw))
    throw badRequest(`"category" must be one of ${CHANNEL_CATEGORIES.join(', ')}.`)
  return raw as ChannelCategory
}

/** 1 to 12 of the app's languages, deduplicated, in the order given. */
export function checkLangs(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((l) => (LANGS as readonly unknown[]).includes(l)))
    throw badRequest(`"langs" must be a non-empty array of ${LANGS.join(', ')}.`)
  return [...new Set(raw as string[])]
}

/** The fields PATCH /api/channels/:id may change; only those present. */
export function channelPatch(b: JsonObject): {
  name?: string
  description?: string
  category?: ChannelCategory
  langs?: string[]
} {
  const known = ['name', 'description', 'category', 'langs']
  const unknown = Object.keys(b).find((k) => !known.includes(k))
  if (unknown !== undefined) throw badRequest(`"${unknown.slice(0, 40)}" cannot be changed here.`)
  return {
    ...(b.name !== undefined && { name: checkChannelName(b.name) }),
    ...(b.description !== undefined && { description: checkDescription(b.description) }),
    ...(b.category !== undefined && { category: checkCategory(b.category) }),
    ...(b.langs !== undefined && { langs: checkLangs(b.langs) }),
  }
}
