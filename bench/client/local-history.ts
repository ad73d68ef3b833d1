// Puts already-synced pages into the browser's local store, exactly as the app keeps them after it has
// synced them (web/store/persistence.ts + message-index.ts): one compacted Yjs update row per page doc in
// `updates`, and one row per message in `messages` with its search tokens (the app's own tokenize()).
// This is the "faster legitimate route": scrolling back through 100 pages in the UI would store the
// same rows, but takes minutes; the page docs' bytes are the very Y.Doc states the server stores.
import type { Page } from 'playwright-core'
import { tokenize } from '../../web/search/tokenize.ts'
import type { SeededPage } from './seed.ts'

interface Row {
  id: string
  conv: string
  page: number
  index: number
  from: string
  ts: number
  body: string
  retracted: boolean
  tokens: string[]
}

/** Field names of one row the app itself wrote, so that a schema drift is noticed rather than benchmarked. */
export async function appRowKeys(page: Page, dbName: string, conv: string): Promise<string[] | null> {
  return page.evaluate(
    ([name, c]) =>
      new Promise<string[] | null>((resolve) => {
        const req = indexedDB.open(name)
        req.onerror = () => resolve(null)
        req.onsuccess = () => {
          const db = req.result
          if (!db.objectStoreNames.contains('messages')) {
            db.close()
            resolve(null)
            return
          }
          const get = db.transaction('messages').objectStore('messages').index('conv').get(c)
          get.onsuccess = () => {
            db.close()
            resolve(get.result ? Object.keys(get.result).sort() : null)
          }
          get.onerror = () => {
            db.close()
            resolve(null)
          }
        }
      }),
    [dbName, conv] as const,
  )
}

export async function injectPages(page: Page, dbName: string, conv: string, pages: SeededPage[], lang = 'en'): Promise<void> {
  for (const p of pages) {
    const rows: Row[] = p.messages.map((m, index) => ({
      id: m.id,
      conv,
      page: p.page,
      index,
      from: m.from,
      ts: m.ts,
      body: m.body,
      retracted: false,
      tokens: tokenize(m.body, lang),
    }))
    const b64 = Buffer.from(p.update).toString('base64')
    const ok = await page.evaluate(
      ([name, doc, data, rs]) =>
        new Promise<string>((resolve) => {
          const bin = atob(data)
          const bytes = new Uint8Array(bin.length)
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
          const req = indexedDB.open(name)
          req.onerror = () => resolve(`open failed: ${req.error}`)
          req.onsuccess = () => {
            const db = req.result
            const tx = db.transaction(['updates', 'messages'], 'readwrite')
            tx.objectStore('updates').add({ doc, data: bytes })
            const ms = tx.objectStore('messages')
            for (const r of rs) ms.put(r)
            tx.oncomplete = () => {
              db.close()
              resolve('ok')
            }
            tx.onerror = () => {
              db.close()
              resolve(`write failed: ${tx.error}`)
            }
          }
        }),
      [dbName, `c:${conv}:${p.page}`, b64, rows] as const,
    )
    if (ok !== 'ok') throw new Error(`local history, page ${p.page}: ${ok}`)
  }
}

/** How many message rows of `conv` the browser's local store holds. */
export async function localCount(page: Page, dbName: string, conv: string): Promise<{ messages: number; updates: number }> {
  return page.evaluate(
    ([name, c]) =>
      new Promise<{ messages: number; updates: number }>((resolve, reject) => {
        const req = indexedDB.open(name)
        req.onerror = () => reject(req.error)
        req.onsuccess = () => {
          const db = req.result
          const tx = db.transaction(['messages', 'updates'])
          const out = { messages: 0, updates: 0 }
          const a = tx.objectStore('messages').index('conv').count(c)
          a.onsuccess = () => {
            out.messages = a.result
          }
          const b = tx.objectStore('updates').count()
          b.onsuccess = () => {
            out.updates = b.result
          }
          tx.oncomplete = () => {
            db.close()
            resolve(out)
          }
        }
      }),
    [dbName, conv] as const,
  )
}
