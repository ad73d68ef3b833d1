// Durability: the server process is killed with SIGKILL while clients write with acknowledgements;
// after a restart on the same database every acknowledged message is there, and the chat list (inbox
// previews and unread counts, from the relational mirror that the server writes once per mirrorMs) shows
// the last stored message of each chat.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { api, appStandIn, freePort, signUp } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { connect, message, msgs, until, type SyncClient } from '../fixtures/sync-client.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import type { Chat } from '../../protocol/api.ts'

/** `npx tsx server/main.ts` in its own process group (so that SIGKILL reaches the server itself). */
async function startChild(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; url: string }> {
  const staticDir = appStandIn()
  const proc = spawn('npx', ['tsx', 'server/main.ts'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      SORI_STATIC: staticDir,
      SORI_LOG: 'silent',
      ...env,
    },
  })
  const url = `http://127.0.0.1:${port}`
  await until(
    async () => {
      try {
        await fetch(`${url}/api/me`)
        return true
      } catch {
        return false
      }
    },
    'the server to listen',
    60_000,
  )
  return { proc, url }
}

const kill9 = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    proc.once('exit', () => resolve())
    process.kill(-proc.pid!, 'SIGKILL')
  })

describe.each(backends())('sync durability under SIGKILL (%s)', (backend) => {
  const procs: ChildProcess[] = []
  const clients: SyncClient[] = []
  afterAll(() => {
    for (const c of clients) c.destroy()
    for (const p of procs) {
      if (p.exitCode !== null || p.signalCode !== null) continue
      try {
        process.kill(-p.pid!, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
  })

  it('every acknowledged message survives kill -9', async () => {
    const dbUrl = await freshDatabaseUrl(backend)
    const port = await freePort()
    // the mirror goes with the first commit and then not for ten minutes: the kill always finds it behind
    const first = await startChild(dbUrl, port, { SORI_MIRROR_MS: '600000' })
    procs.push(first.proc)
    const server = { url: first.url }
    const tag = backend.slice(0, 2)
    const users = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((h) => signUp(server, `${h}_${tag}`)))
    const chats = [
      (
        await api<Chat>(server, users[0].token, 'POST', '/api/chats/group', {
          title: 'one',
          userIds: [users[1].user.id, users[2].user.id],
        })
      ).body,
      (await api<Chat>(server, users[3].token, 'POST', '/api/chats/direct', { userId: users[2].user.id })).body,
    ]
    const writers = [
      { user: users[0], chat: chats[0] },
      { user: users[1], chat: chats[0] },
      { user: users[2], chat: chats[1] },
      { user: users[3], chat: chats[1] },
    ]
    const live = await Promise.all(
      writers.map(async (w) => {
        const c = await connect(server, w.user.token, pageDoc(w.chat.id, 0), { ack: true })
        clients.push(c)
        return { ...w, c, sent: [] as string[] }
      }),
    )
    // each message is one transaction by the writer's own clientID: message i has clock i
    const timer = setInterval(() => {
      for (const w of live) {
        if (!w.c.provider.wsconnected) continue
        const m = message(w.user.user.id, `from ${w.user.user.handle} #${w.sent.length}`)
        msgs(w.c).push([m])
        w.sent.push(m.id)
      }
    }, 2)
    await until(() => live.every((w) => w.c.ackedClock() >= 150), 'acknowledged writes under load')
    await kill9(first.proc)
    clearInterval(timer)
    const acked = live.map((w) => w.c.ackedClock())
    for (const w of live) w.c.destroy()

    const second = await startChild(dbUrl, port)
    procs.push(second.proc)
    // users[2] is in both chats; its inbox loads first, from the relational rows alone
    const inbox = await connect({ url: second.url }, users[2].token, inboxDoc(users[2].user.id))
    clients.push(inbox)
    const entries = inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats)
    for (let i = 0; i < live.length; i++) {
      const w = live[i]
      const reader = await connect({ url: second.url }, w.user.token, pageDoc(w.chat.id, 0))
      clients.push(reader)
      const ids = new Set(
        msgs(reader)
          .toArray()
          .map((m) => m.id),
      )
      const missing = w.sent.slice(0, acked[i]).filter((id) => !ids.has(id))
      expect(missing).toEqual([])
      expect(acked[i]).toBeGreaterThanOrEqual(150)
      const stored = msgs(reader).toArray()
      const entry = entries.get(w.chat.id)
      expect(entry?.preview).toBe(stored[stored.length - 1].body)
      expect(entry?.unread).toBe(stored.length)
      reader.destroy()
    }
    await kill9(second.proc)
  })
})
