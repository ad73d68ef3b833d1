// `npm run demo`: fills this install (DATABASE_URL, by default the embedded ./data/sori.db) with a few
// sample channels and their posts, so that a newcomer sees channels at once: open Friends → Channels,
// or search "sample". Every sample says it is one. Run it while Sori is stopped; running it again adds
// nothing. The channels belong to a sample account, @sori.samples, whose password it prints once, so
// that the channels can be run from the app too.
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { Session } from '../protocol/api.ts'
import type * as decoding from 'lib0/decoding'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../protocol/channels.ts'
import { readAck } from '../protocol/frames.ts'
import { MSG_ACK } from '../protocol/wire.ts'
import { startServer } from '../server/app.ts'
import { readConfig } from '../server/config.ts'

type Post = Omit<ChannelPost, 'id' | 'from' | 'ts'>
interface Sample {
  handle: string
  name: string
  description: string
  category: Channel['category']
  langs: string[]
  posts: Post[]
}

const SAMPLES: Sample[] = [
  {
    handle: 'sample.music',
    name: '스타라이트 레코드 Starlight Records (sample)',
    description: 'A sample channel of a music label, made by `npm run demo`: new releases, concerts, behind the scenes.',
    category: 'music',
    langs: ['ko', 'en'],
    posts: [
      { kind: 'text', text: 'Welcome! This is a sample channel: follow it to see how channels come into your chat list.' },
      {
        kind: 'text',
        text: '새 앨범이 금요일에 나와요! The new album is out on Friday.',
        buttons: [{ label: 'Listen', url: 'https://example.com/album' }],
      },
      {
        kind: 'list',
        items: [
          { title: 'Seoul — 12 March', description: 'Olympic Hall', url: 'https://example.com/tour/seoul' },
          { title: 'Busan — 15 March', description: 'BEXCO', url: 'https://example.com/tour/busan' },
          { title: 'Tokyo — 20 March', description: 'Zepp', url: 'https://example.com/tour/tokyo' },
        ],
        text: 'Tour dates',
      },
    ],
  },
  {
    handle: 'sample.cinema',
    name: 'Cine Weekly 映画週報 (sample)',
    description: 'A sample channel of a film magazine, made by `npm run demo`: reviews and what is on this week.',
    category: 'film',
    langs: ['en', 'ja'],
    posts: [
      {
        kind: 'carousel',
        text: 'This week in cinemas',
        cards: [
          {
            title: 'The Long Winter',
            description: 'A family drama in the mountains. ★★★★',
            buttons: [{ label: 'Review', url: 'https://example.com/r/1' }],
          },
          {
            title: 'Night Market',
            description: 'A comedy set in Taipei. ★★★',
            buttons: [{ label: 'Review', url: 'https://example.com/r/2' }],
          },
          {
            title: 'Orbit',
            description: 'Science fiction, beautifully shot. ★★★★★',
            buttons: [{ label: 'Review', url: 'https://example.com/r/3' }],
          },
        ],
      },
      // for readers who use Sori in Japanese only: the others neither see it nor count it unread
      {
        kind: 'text',
        text: '今週の試写会：『Orbit』日本語字幕版を渋谷で先行上映します。',
        buttons: [{ label: '詳細', url: 'https://example.com/r/3/ja' }],
        langs: ['ja'],
      },
    ],
  },
  {
    handle: 'sample.kitchen',
    name: '한스 키친 Han’s Kitchen (sample)',
    description: 'A sample channel of a restaurant chain, made by `npm run demo`: menus, opening hours and offers.',
    category: 'food',
    langs: ['ko', 'en', 'th'],
    posts: [
      {
        kind: 'text',
        text: 'Lunch special this week: bibimbap and a drink for 9,900 won, at every store.',
        buttons: [{ label: 'Menu', url: 'https://example.com/menu' }],
        ad: true,
      },
    ],
  },
]

async function call<T>(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await res.json().catch(() => null)) as T
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Appends the posts to page 0 of the channel and waits for the server's acknowledgement (it has stored them). */
async function post(base: string, token: string, channelId: string, from: string, posts: Post[]): Promise<void> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${base.replace(/^http/, 'ws')}/sync`, channelPageDoc(channelId, 0), doc, {
    params: { token, ack: '1' },
    // the provider's types name the DOM WebSocket; ws implements the same interface for Node
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  let acked = 0
  provider.messageHandlers[MSG_ACK] = (_enc: unknown, dec: decoding.Decoder) => {
    acked = Math.max(acked, readAck(dec).get(doc.clientID) ?? 0)
  }
  try {
    for (let waited = 0; !provider.synced; waited += 20) {
      if (waited > 20_000) throw new Error('could not reach the server')
      await new Promise((r) => setTimeout(r, 20))
    }
    const ts = Date.now() - posts.length * 60_000
    doc
      .getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
      .push(posts.map((p, i) => ({ id: `demo${randomBytes(8).toString('hex')}`, from, ts: ts + i * 60_000, ...p })))
    const clock = Y.getState(doc.store, doc.clientID)
    for (let waited = 0; acked < clock; waited += 50) {
      if (waited > 20_000) throw new Error('the server did not take the sample posts')
      await new Promise((r) => setTimeout(r, 50))
    }
  } finally {
    provider.destroy()
  }
}

async function main(): Promise<void> {
  const config = readConfig()
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: config.databaseUrl, staticDir: null })
  const base = server.url
  try {
    const password = randomBytes(9).toString('base64url')
    const signup = await fetch(`${base}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'sori.samples', name: 'Sori samples', password }),
    })
    if (signup.status === 409) {
      console.log('The samples are there already (the account @sori.samples exists): nothing to add.')
      return
    }
    if (!signup.ok) throw new Error(`signing up the sample account: ${signup.status} ${await signup.text()}`)
    const session = (await signup.json()) as Session
    console.log(`Sample account: @sori.samples, password ${password} (sign in with it to run the sample channels)`)
    for (const s of SAMPLES) {
      const { posts, ...body } = s
      const channel = await call<Channel>(base, session.token, 'POST', '/api/channels', body)
      await post(base, session.token, channel.id, session.user.id, posts)
      console.log(`@${s.handle}: "${s.name}" with ${posts.length} post${posts.length === 1 ? '' : 's'}`)
    }
    console.log('Done. Start Sori (npm start), then open Friends → Channels, or search "sample".')
  } finally {
    await server.close()
  }
}

main().then(
  // the server is closed; a client library's timer must not keep the command waiting
  () => process.exit(0),
  (e: unknown) => {
    console.error('The demo failed:', e)
    process.exit(1)
  },
)
