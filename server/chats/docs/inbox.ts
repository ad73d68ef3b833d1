// A user's inbox `u:<user>`: `chats`, one entry per chat the user is in (title, preview, unread count),
// written by the server only; and `settings`, the user's own JSON values, which only they write.
import { parseDocName, ROOTS } from '../../../protocol/docs.ts'
import { MAX_SETTING_BYTES, MAX_SETTINGS } from '../../../protocol/limits.ts'
import type { DocKind, RootRule, UpdateRules } from '../../sync/kind.ts'
import { isJsonValue } from '../../sync/validate.ts'
import type { ChatDomain } from '../domain.ts'
import { INBOX_ROOTS } from './roots.ts'

export interface InboxKey {
  userId: string
}

const SETTING_KEY_RE = /^[A-Za-z][A-Za-z0-9._-]{0,39}$/

/** The settings rule of one update, given the keys the server's copy holds. */
function settingsRule(held: { has(key: string): boolean; readonly size: number }): RootRule {
  // keys this update adds: a map without a bound would let one account fill the server's memory
  let added = 0
  return {
    type: 'map',
    delete: 'any',
    entry(key, values, fresh) {
      if (!SETTING_KEY_RE.test(key)) return 'setting name is malformed'
      for (const value of values) {
        if (!isJsonValue(value)) return 'setting is not JSON'
        if (Buffer.byteLength(JSON.stringify(value)) > MAX_SETTING_BYTES) return 'setting is too large'
      }
      if (fresh && values.length > 0 && !held.has(key) && held.size + ++added > MAX_SETTINGS)
        return `an inbox holds at most ${MAX_SETTINGS} settings`
      return null
    },
  }
}

const SERVER: RootRule = { type: 'server' }

/** The inbox grammar of an update to the inbox whose settings the server's copy holds as `held`. */
export function inboxGrammar(held: { has(key: string): boolean; readonly size: number }): UpdateRules {
  const settings = settingsRule(held)
  return {
    root(name) {
      if (name === ROOTS.inbox.settings) return settings
      if (name === ROOTS.inbox.chats) return SERVER
      return undefined
    },
  }
}

const OPEN = { release() {} }

export function inboxKind(chats: ChatDomain): DocKind<InboxKey, true> {
  return {
    name: 'inbox',
    match(name) {
      const p = parseDocName(name)
      return p?.kind === 'inbox' ? { userId: p.userId } : null
    },
    roots: () => INBOX_ROOTS,
    // only its owner opens an inbox
    access: async (userId, key) => (key.userId === userId ? OPEN : null),
    open: async () => true,
    // its entries are reconciled with the relational data before any socket syncs
    loaded: (doc) => doc.enqueue(() => chats.inbox.reconcile(doc)),
    rules: (doc) => inboxGrammar(doc.ydoc.getMap(ROOTS.inbox.settings)),
  }
}
