// Keeps Dexie's flat `messages` table (list rendering, search) in step with the page docs this tab has
// open: one call per page doc when it opens (the models wire that to the doc registry).
import { linkPreview } from '../../protocol/link.ts'
import { searchText } from '../search/text.ts'
import type * as Y from 'yjs'
import { edited, messageItems, pageEdits, pageMsgs } from '../kinds/page.ts'
import { db, type MessageRow } from './db.ts'
import { guardWrite } from './storage.ts'

const DELAY_MS = 300

/** after a pass that failed (the tokenizer's code could not be fetched: offline before it came) */
const RETRY_MS = 3000
/** passes tried in a row before a page is left unindexed until its next change (ten minutes) */
const MAX_RETRIES = 200

type Tokenize = (text: string, lang: string) => string[]
let tokenizer: Promise<Tokenize> | null = null
/**
 * The tokenizer (Intl.Segmenter and folding) is not needed for the first screen: it loads lazily, as soon
 * as a chat is open (preloadIndexing), so that it is here when the phone goes offline. A load that failed
 * is tried again next time rather than kept.
 */
const tokenize = (): Promise<Tokenize> =>
  (tokenizer ??= import('../search/tokenize.ts').then(
    (m) => m.tokenize,
    (e: unknown) => {
      tokenizer = null
      throw e
    },
  ))

/** Fetches the tokenizer now, if it is not here yet (a chat was opened, or the app is idle after starting). */
export function preloadIndexing(): void {
  tokenize().catch(() => {})
}

// (an edited row's mark only where there is one: the rows stored before it existed are written again only if edited)
const sig = (r: MessageRow): string => `${r.index}\u0000${r.ts}\u0000${r.retracted}\u0000${r.body}${r.edited ? '\u0000e' : ''}`

/**
 * Indexes page `page` of chat `conv` held by `doc` once its stored state is `loaded`, and again after
 * every change, until the doc is destroyed. `lang` folds the words (the account's language).
 */
export function indexPage(conv: string, page: number, doc: Y.Doc, loaded: Promise<void>, lang: () => string): void {
  preloadIndexing()
  const msgs = pageMsgs(doc)
  const edits = pageEdits(doc)
  /** what the table holds for this page: id → signature */
  let known: Map<string, string> | null = null
  /** how many messages the table holds for this page, as of the last pass */
  let counted = 0
  /** a pass of this session found messages in the doc (an empty copy may be one still to be filled) */
  let passed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()

  const rowsNow = (): MessageRow[] => {
    const rows: MessageRow[] = []
    for (const { value: m, index } of messageItems(msgs)) {
      const { body, retracted, edited: changed } = edited(m, edits.get(m.id))
      // a card has no text of its own: it is found, and listed, by its title
      const text = m.link && !retracted ? linkPreview(m.link.template) : body
      const row: MessageRow = { id: m.id, conv, page, index, from: m.from, ts: m.ts, body: text, retracted, tokens: [] }
      if (m.media && !retracted) row.media = m.media
      if (changed && !retracted) row.edited = true
      rows.push(row)
    }
    return rows
  }

  const run = async (rows: MessageRow[]): Promise<void> => {
    const store = db()
    if (!store) return
    if (!known) {
      const stored = await store.messages
        .where('[conv+page+index]')
        .between([conv, page, 0], [conv, page, Infinity])
        .toArray()
        .catch(() => [])
      known = new Map(stored.map((r) => [r.id, sig(r)]))
      counted = stored.length
    }
    // a message withdrawn before it was sent left the page: the ones after it moved up one, and the last
    // row is past its end (an empty copy, set aside and not yet filled from the server, is not one)
    if (rows.length < counted && (rows.length > 0 || passed)) {
      const ids = new Set(rows.map((r) => r.id))
      await guardWrite(() =>
        store.messages.where('[conv+page+index]').between([conv, page, rows.length], [conv, page, Infinity]).delete(),
      )
      for (const id of [...known.keys()]) if (!ids.has(id)) known.delete(id)
    }
    if (rows.length > 0 || passed) counted = rows.length
    if (rows.length > 0) passed = true
    const changed = rows.filter((r) => known!.get(r.id) !== sig(r))
    if (!changed.length) return
    const tok = await tokenize()
    const words = lang()
    for (const r of changed) r.tokens = r.retracted ? [] : tok(searchText(r), words)
    await guardWrite(() => store.messages.bulkPut(changed))
    for (const r of changed) known!.set(r.id, sig(r))
  }

  let destroyed = false
  let failures = 0
  const attempt = (rows: MessageRow[]): void => {
    running = running
      .then(() => run(rows))
      .then(
        () => void (failures = 0),
        (e: unknown) => {
          if (failures++ === 0) console.warn('sori: message index', e)
          // tried again (the chat list's latest message and search read this table, offline too): what was
          // not written is still unknown to `known`, so a later pass writes it; a doc already let go of
          // has only these rows
          if (failures < MAX_RETRIES) setTimeout(() => attempt(destroyed ? rows : rowsNow()), RETRY_MS)
        },
      )
  }
  const now = (): void => {
    clearTimeout(timer)
    timer = undefined
    // rows are read now (the doc may be destroyed next); the writes queue behind each other
    attempt(rowsNow())
  }
  const later = (): void => {
    timer ??= setTimeout(now, DELAY_MS)
  }

  // the first pass waits like a change does: a chat being opened shows its messages before this reads and
  // writes the table (and a doc let go of sooner is indexed at once, on destroy)
  void loaded.then(() => {
    msgs.observe(later)
    edits.observe(later)
    later()
  })
  doc.once('destroy', () => {
    msgs.unobserve(later)
    edits.unobserve(later)
    if (timer !== undefined) now()
    destroyed = true
  })
}
