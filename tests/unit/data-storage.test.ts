// Local writes that fail never break the app; a full disk is reported to the UI.
import { afterEach, expect, test } from 'vitest'
import { guardWrite, storageProblem } from '../../web/store/storage.ts'

afterEach(() => {
  storageProblem.value = null
})

test('a quota failure sets storageProblem and the caller carries on', async () => {
  const r = await guardWrite(async () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  })
  expect(r).toBeUndefined()
  expect(storageProblem.value).toBe('quota')
})

test('Dexie wraps the browser error in `inner`: still a quota failure', async () => {
  const dexieError = Object.assign(new Error('AbortError'), {
    name: 'AbortError',
    inner: new DOMException('full', 'QuotaExceededError'),
  })
  await guardWrite(async () => {
    throw dexieError
  })
  expect(storageProblem.value).toBe('quota')
})

test('other failures are not reported as a full disk', async () => {
  const warn = console.warn
  console.warn = () => {}
  try {
    await guardWrite(async () => {
      throw new DOMException('gone', 'InvalidStateError')
    })
  } finally {
    console.warn = warn
  }
  expect(storageProblem.value).toBeNull()
  expect(await guardWrite(async () => 42)).toBe(42)
})
