// Keeps Dexie's flat `messages` table (list rendering, search) in step with every page doc this tab has open.
import type * as Y from 'yjs'
import { parseDocName, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage, MessageEdit } from '../../protocol/messages.ts'
import { db, type MessageRow } from './db.ts'
import { onDocOpen } from './docs.ts'
import { messageItems } from './messages.ts'
import { me } from './session.ts'
import { guardWrite } from './storage.ts'

const DELAY_MS = 300

type Tokenize = (text: string, lang: string) => string[]
let tokenizer: Promise<Tokenize> | null = null
// the tokenizer (Intl.Segmenter and folding) is not needed for the first screen: load it lazily
const tokenize = (): Promise<Tokenize> => (tokenizer ??= import('../search/tokenize.ts').then((m) => m.tokenize))

const sig = (r: MessageRow): string => `${r.index}\u0000${r.ts}\u0000${r.retracted}\u0000${r.body}`

let installed = false

export function installMessageIndex(): void {
  if (installed) return
  installed = true
  onDocOpen((name, doc, loaded) => {
    const parsed = parseDocName(name)
    if (parsed?.kind === 'page') indexPage(parsed.convId, parsed.page, doc, loaded)
  })
}

function indexPage(conv: string, page: number, doc: Y.Doc, loaded: Promise<void>): void {
  const msgs = doc.getArray<ChatMessage>(ROOTS.page.msgs)
  const edits = doc.getMap<MessageEdit>(ROOTS.page.edits)
  /** what the table holds for this page: id → signature */
  let known: Map<string, string> | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()

  const rowsNow = (): MessageRow[] => {
    const rows: MessageRow[] = []
    for (const { value: m, index } of messageItems(msgs)) {
      const e = edits.get(m.id)
      const retracted = !!e && 'retracted' in e
      const body = retracted ? '' : e && 'body' in e ? e.body : m.body
      rows.push({ id: m.id, conv, page, index, from: m.from, ts: m.ts, body, retracted, tokens: [] })
    }
    return rows
  }

  const run = async (rows: MessageRow[]): Promise<void> => {
    const store = db()
    if (!store) return
    if (!known) {
      const stored = await store.messages.where('[conv+page+index]').between([conv, page, 0], [conv, page, Infinity]).toArray().catch(() => [])
      known = new Map(stored.map((r) => [r.id, sig(r)]))
    }
    const changed = rows.filter((r) => known!.get(r.id) !== sig(r))
    if (!changed.length) return
    const tok = await tokenize()
    const lang = me.peek()?.lang ?? 'en'
    for (const r of changed) r.tokens = r.retracted ? [] : tok(r.body, lang)
    await guardWrite(() => store.messages.bulkPut(changed))
    for (const r of changed) known!.set(r.id, sig(r))
  }

  const now = (): void => {
    clearTimeout(timer)
    timer = undefined
    // rows are read now (the doc may be destroyed next); the writes queue behind each other
    const rows = rowsNow()
    running = running.then(() => run(rows)).catch((e) => console.warn('sori: message index', e))
  }
  const later = (): void => { timer ??= setTimeout(now, DELAY_MS) }

  void loaded.then(() => {
    msgs.observe(later)
    edits.observe(later)
    now()
  })
  doc.once('destroy', () => {
    msgs.unobserve(later)
    edits.unobserve(later)
    if (timer !== undefined) now()
  })
}
