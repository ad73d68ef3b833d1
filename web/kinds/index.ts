// The document kinds this app opens, and what the app does differently per kind. The modules beside
// this one read each kind's roots. A new kind: its name in protocol/docs.ts, a module here for its
// roots, and an entry in KINDS (the compiler asks for it). No I/O here: the store, sync and the
// models all read it.
import { parseDocName, type DocName } from '../../protocol/docs.ts'

type Named<K extends DocName['kind']> = Extract<DocName, { kind: K }>

interface Kind<D extends DocName> {
  /** the chat whose membership gives access to the doc: when the server refuses one (4403), all are dropped */
  chat(d: D): string | null
  /** where the doc's messages go in the local message index (search, offline history); absent: it holds none */
  messages?(d: D): { conv: string; page: number }
}

const KINDS: { [K in DocName['kind']]: Kind<Named<K>> } = {
  inbox: { chat: () => null },
  head: { chat: (d) => d.convId },
  page: { chat: (d) => d.convId, messages: (d) => ({ conv: d.convId, page: d.page }) },
}

function kindOf(name: string): { d: DocName; kind: Kind<DocName> } | null {
  const d = parseDocName(name)
  // each entry takes its own kind's names only, and is only ever given those
  return d && { d, kind: KINDS[d.kind] as Kind<DocName> }
}

/** The chat a doc belongs to (its access is that chat's), or null (the inbox). */
export function chatOf(name: string): string | null {
  const k = kindOf(name)
  return k ? k.kind.chat(k.d) : null
}

/** Where a doc's messages are kept in the local message index, or null when it holds no messages. */
export function messagesAt(name: string): { conv: string; page: number } | null {
  const k = kindOf(name)
  return k?.kind.messages?.(k.d) ?? null
}

/** The chat whose head `name` is, or null when it is not a chat's head. */
export function headOf(name: string): string | null {
  const d = parseDocName(name)
  return d?.kind === 'head' ? d.convId : null
}
