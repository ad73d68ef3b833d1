// A document kind of the test's own, registered on the real server and synced through real sockets with
// stock y-websocket clients: `kv:<user>`, a key/value map that any signed-in user may read and only its
// owner may write (string values, short keys). It shows what a new kind takes: one module (below) and
// one register() call, with no change to the engine, and a commit participant that sees each committed
// write after its transaction.
import { describe, expect, it } from 'vitest'
import { signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, syncUrl, until, upgradeStatus } from '../fixtures/sync-client.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { DocKind, RootRule, UpdateRules } from '../../server/sync/kind.ts'
import type { Batch, CommitParticipant } from '../../server/sync/commit.ts'

const KV_RE = /^kv:([a-z0-9]{12})$/
const KEY_RE = /^[a-z]{1,16}$/

/** Committed writes, in commit order: the keys each committed update set, per document. */
class KvLog implements CommitParticipant<string[]> {
  readonly committedKeys: string[] = []
  create(): string[] {
    return []
  }
  async write(): Promise<void> {}
  committed(part: string[] | undefined): void {
    if (part) this.committedKeys.push(...part)
  }
}

function kvKind(log: KvLog): DocKind<{ owner: string }, true> {
  const readOnly: RootRule = { type: 'map', delete: 'overwrite', entry: () => 'only the owner writes this document' }
  return {
    name: 'kv',
    match: (name) => {
      const m = KV_RE.exec(name)
      return m ? { owner: m[1] } : null
    },
    roots: () => [['kv', 'map']],
    access: async () => ({ release() {} }),
    open: async () => true,
    rules(doc, userId): UpdateRules {
      if (userId !== doc.key.owner) return { root: (name) => (name === 'kv' ? readOnly : undefined) }
      const keys: string[] = []
      const own: RootRule = {
        type: 'map',
        delete: 'any',
        entry(key, values) {
          if (!KEY_RE.test(key)) return 'key is malformed'
          for (const v of values) if (typeof v !== 'string' || v.length > 64) return 'value is not a short string'
          keys.push(key)
          return null
        },
      }
      return {
        root: (name) => (name === 'kv' ? own : undefined),
        applied: (batch: Batch) => {
          batch.part(log).push(...keys)
        },
      }
    },
  }
}

describe.each(backends())('a document kind registered from outside the engine (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_k${backend.slice(0, 2)}`, name)

  it('syncs through the real server under its own grammar and access rules', async () => {
    const log = new KvLog()
    suite.server.sync.participate(log)
    suite.server.sync.register(kvKind(log))
    const [ann, bob] = [await user('ann'), await user('bob')]
    const docName = `kv:${ann.user.id}`

    // the owner writes; another user reads it live
    const a = await connect(suite.server, ann.token, docName, { ack: true })
    const b = await connect(suite.server, bob.token, docName)
    suite.keep(a, b)
    a.doc.getMap<string>('kv').set('color', 'blue')
    await until(() => b.doc.getMap<string>('kv').get('color') === 'blue', 'bob reads the value')
    await until(() => a.ackedClock() >= 1, 'the write is acknowledged')
    expect(log.committedKeys).toEqual(['color'])

    // anyone else's write is refused by the kind's grammar, and changes nothing for anyone
    b.doc.getMap<string>('kv').set('color', 'red')
    await until(() => b.closes.some((c) => c.code === CLOSE.REFUSED), 'bob is refused')
    expect(b.closes.find((c) => c.code === CLOSE.REFUSED)?.reason).toBe('only the owner writes this document')
    b.destroy()

    // the owner's writes must fit the grammar too: a number is not a short string
    a.doc.getMap<unknown>('kv').set('size', 42)
    await until(() => a.closes.some((c) => c.code === CLOSE.REFUSED), 'a malformed value is refused')
    a.destroy()

    // what is stored: exactly the accepted write
    const c = await connect(suite.server, bob.token, docName)
    suite.keep(c)
    expect(c.doc.getMap('kv').toJSON()).toEqual({ color: 'blue' })
    expect(log.committedKeys).toEqual(['color'])

    // names the kind does not match are unknown documents, and a token is still required
    expect(await upgradeStatus(`${syncUrl(suite.server)}/kv:short?token=${ann.token}`)).toBe(404)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${docName}`)).toBe(401)
  })
})
