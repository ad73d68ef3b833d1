// Seeds the chats the benchmark opens, through the real server: users and group chats over the HTTP API,
// messages written by a member with the stock y-websocket client (WebsocketProvider) and a Node Y.Doc
// per page doc c:<conv>:<page>, PAGE_SIZE messages per page pushed in one transaction. The server rolls
// its head's meta.page over when a page reaches PAGE_SIZE (server/chats/docs/page.ts), so each page waits
// until GET /api/chats/:id reports the next page before the next is written.
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import type { Chat, Session } from '../../protocol/api.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { api } from '../../tests/fixtures/server.ts'

const WORDS = (
  'see you tomorrow at the cafe near the station ok sounds good did you get the photos I sent ' +
  'lunch on friday maybe the meeting moved to three o clock thanks again for yesterday haha that was fun ' +
  'running late sorry ten minutes let me check and get back to you the train is delayed again'
).split(' ')

/** A deterministic, chat-like body of 3–14 words. */
export function bodyOf(n: number): string {
  let x = (n * 2654435761) >>> 0
  const len = 3 + (x % 12)
  const out: string[] = []
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out.push(WORDS[x % WORDS.length])
  }
  return `${out.join(' ')} #${n}`
}

export interface SeededPage {
  page: number
  messages: ChatMessage[]
  update: Uint8Array
}

/** Writes `count` messages into page `page` of `convId` as `author` and returns the page's Yjs state. */
async function writePage(
  serverUrl: string,
  author: Session,
  convId: string,
  page: number,
  first: number,
  count: number,
): Promise<SeededPage> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(serverUrl.replace(/^http/, 'ws') + '/sync', `c:${convId}:${page}`, doc, {
    // y-websocket's types want a browser WebSocket constructor; ws implements the same API
    params: { token: author.token },
    WebSocketPolyfill: WebSocket as never,
    disableBc: true,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sync of c:${convId}:${page} timed out`)), 30_000)
      provider.once('sync', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    const start = Date.UTC(2026, 0, 1) + first * 60_000
    const messages: ChatMessage[] = []
    for (let i = 0; i < count; i++) {
      const n = first + i
      messages.push({
        id: `b${convId}${String(n).padStart(7, '0')}`,
        from: author.user.id,
        ts: start + i * 60_000,
        kind: 'text',
        body: bodyOf(n),
      })
    }
    doc.transact(() => doc.getArray<ChatMessage>('msgs').push(messages))
    // wait until the server has it: its head page number (or, for the last page, its stored length) moves
    return { page, messages, update: Y.encodeStateAsUpdate(doc) }
  } finally {
    // give the socket a moment to flush the update before closing
    await new Promise((r) => setTimeout(r, 50))
    provider.destroy()
    doc.destroy()
  }
}

async function chatPage(serverUrl: string, token: string, convId: string): Promise<number> {
  const r = await api<Chat>({ url: serverUrl }, token, 'GET', `/api/chats/${convId}`)
  if (r.status !== 200) throw new Error(`GET /api/chats/${convId}: ${r.status}`)
  return r.body.page
}

/**
 * Fills whole pages and then `tail` messages on the newest page. Returns the written pages (the full
 * ones are what the benchmark puts into the browser's local history).
 */
export async function seedChat(
  serverUrl: string,
  author: Session,
  convId: string,
  fullPages: number,
  tail: number,
  progress: (s: string) => void = () => {},
): Promise<SeededPage[]> {
  const pages: SeededPage[] = []
  for (let p = 0; p <= fullPages; p++) {
    const count = p < fullPages ? PAGE_SIZE : tail
    if (count === 0) break
    pages.push(await writePage(serverUrl, author, convId, p, p * PAGE_SIZE, count))
    if (p < fullPages) {
      const deadline = Date.now() + 30_000
      while ((await chatPage(serverUrl, author.token, convId)) <= p) {
        if (Date.now() > deadline) throw new Error(`the server did not roll over page ${p} of ${convId}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    if (p % 10 === 9) progress(`  seeded ${(p + 1) * PAGE_SIZE} messages`)
  }
  return pages
}

export async function createGroup(serverUrl: string, owner: Session, title: string, others: string[]): Promise<string> {
  const r = await api<Chat>({ url: serverUrl }, owner.token, 'POST', '/api/chats/group', { title, userIds: others })
  if (r.status !== 201) throw new Error(`create group: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id
}
