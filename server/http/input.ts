// Checking the shape of JSON bodies. Every failure is a 400 bad_request naming the field.
import { badRequest } from './errors.ts'

export type JsonObject = Record<string, unknown>

export function asObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('The request body must be a JSON object.')
  return body as JsonObject
}

export function str(o: JsonObject, key: string): string {
  const v = o[key]
  if (typeof v !== 'string') throw badRequest(`"${key}" must be a string.`)
  return v
}

export function optStr(o: JsonObject, key: string): string | undefined {
  const v = o[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw badRequest(`"${key}" must be a string.`)
  return v
}

/**
 * An array of strings, its duplicates dropped (first one kept), of at most `max` different entries. The
 * request body's own limit bounds how many come in.
 */
export function strArray(o: JsonObject, key: string, max: number): string[] {
  const v = o[key]
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw badRequest(`"${key}" must be an array of strings.`)
  const unique = [...new Set(v as string[])]
  if (unique.length > max) throw badRequest(`"${key}" may hold at most ${max} different entries.`)
  return unique
}
