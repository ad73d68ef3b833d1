// A commit that fails (the database refuses the write): nothing is acknowledged or forwarded, the
// affected document's sockets close with 4012 (reconnect), and once the database accepts writes
// again the reconnecting client's message is stored and delivered exactly once.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, send, until } from '../fixtures/sync-client.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'

describe.each(backends())('sync commit failure (%s)', (backend) => {
  const suite = serverSuite(backend)

  const failWrites = async () => {
    if (suite.server.db.dialect === 'sqlite') {
      // the SQLite store appends to its journal (server/store/journal-store.ts)
      await suite.server.db.run(
        "CREATE TRIGGER sori_fail BEFORE INSERT ON doc_journal BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
      )
    } else {
      await suite.server.db.run(
        "CREATE FUNCTION sori_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql",
      )
      await suite.server.db.run('CREATE TRIGGER sori_fail BEFORE INSERT ON doc_updates FOR EACH ROW EXECUTE FUNCTION sori_fail()')
    }
  }
  const acceptWrites = async () => {
    await suite.server.db.run(
      suite.server.db.dialect === 'sqlite' ? 'DROP TRIGGER sori_fail' : 'DROP TRIGGER sori_fail ON doc_updates',
    )
  }

  it('closes with 4012, sends nothing unstored, and recovers on reconnect', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `fl_ann_${tag}`), await signUp(suite.server, `fl_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await connect(suite.server, ann.token, pageDoc(chat.id, 0), { ack: true })
    const b = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    suite.keep(a, b)
    send(a, ann.user.id, 'stored')
    await until(() => bodies(b).length === 1 && a.ackedClock() >= 1, 'the first message stored and delivered')

    await failWrites()
    send(a, ann.user.id, 'refused by the database')
    await until(() => a.closes.length > 0 && b.closes.length > 0, 'both sockets closed')
    expect(a.closes[0].code).toBe(CLOSE.RELOAD)
    expect(b.closes[0].code).toBe(CLOSE.RELOAD)
    expect(bodies(b)).toEqual(['stored'])
    expect(a.ackedClock()).toBe(1)

    await acceptWrites()
    // 4012 is not permanent: the stock clients reconnect by themselves and resync
    await until(() => bodies(b).length === 2 && a.ackedClock() >= 2, 'the message stored and delivered after recovery')
    expect(bodies(b)).toEqual(['stored', 'refused by the database'])
    expect(bodies(a)).toEqual(bodies(b))
  })
})
