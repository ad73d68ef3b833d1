// Sets up what a benchmark needs on a Sori server through its public HTTP API (protocol/api.ts):
// users with sessions, and group chats among them.
import type { Chat, Session, SignUpBody, GroupChatBody } from '../../protocol/api.ts'
import { HOST } from './servers.ts'

export interface BenchUser {
  id: string
  token: string
}

async function call<T>(port: number, method: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`http://${HOST}:${port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : undefined) as T
}

/** Runs `fn` over `items` with at most `limit` in flight (signup hashes a password: don't flood the server). */
export async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** Signs up `count` users with handles `<prefix><n>`. */
export async function signUpUsers(port: number, count: number, prefix: string): Promise<BenchUser[]> {
  const idx = Array.from({ length: count }, (_, i) => i)
  return inPool(idx, 8, async (i) => {
    const body: SignUpBody = { handle: `${prefix}${i}`, name: `Bench ${i}`, password: 'bench-password-1', device: 'bench' }
    const s = await call<Session>(port, 'POST', '/api/signup', body)
    return { id: s.user.id, token: s.token }
  })
}

/** Creates a group chat owned by `owner` with `others` as the other members; returns its id. */
export async function createGroup(port: number, owner: BenchUser, others: BenchUser[], title: string): Promise<string> {
  const body: GroupChatBody = { title, userIds: others.map((u) => u.id) }
  const chat = await call<Chat>(port, 'POST', '/api/chats/group', body, owner.token)
  return chat.id
}
