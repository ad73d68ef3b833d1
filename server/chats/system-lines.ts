// The system lines of a group's timeline ("Mina invited Joon", "Joon left", …), written by the server
// into the `sys` root of the chat's current page after the relational change committed. They carry ids
// and no text: every client says them in its own language.
import { randomBytes } from 'node:crypto'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { SystemLine } from '../../protocol/messages.ts'
import type { SyncEngine } from '../sync/types.ts'
import { logger } from '../log.ts'

const log = logger('chats')

export type SystemLineInput = Pick<SystemLine, 'event' | 'actor' | 'target' | 'title'>

/** Appends `lines` to page `page` of chat `convId` (a failure is logged: the change itself stands). */
export async function writeSystemLines(
  engine: SyncEngine,
  convId: string,
  page: number,
  lines: SystemLineInput[],
): Promise<void> {
  if (lines.length === 0 || engine.closing) return
  try {
    // on the node that owns the chat (sync/homes.ts)
    await engine.homes.run(convId, 'chat.system-lines', [convId, String(page), JSON.stringify(lines)])
  } catch (e) {
    log.error('writing system lines failed', e, { conv: convId })
  }
}

/** What writeSystemLines asks the chat's owner to do. */
export function registerSystemLines(engine: SyncEngine): void {
  engine.homes.handle('chat.system-lines', ([convId, page, lines]) =>
    appendLines(engine, convId, Number(page), JSON.parse(lines) as SystemLineInput[]),
  )
}

async function appendLines(engine: SyncEngine, convId: string, page: number, lines: SystemLineInput[]): Promise<void> {
  if (engine.closing) return
  {
    const doc = await engine.docs.acquire(pageDoc(convId, page))
    if (!doc) return
    try {
      await new Promise<void>((resolve, reject) =>
        doc.enqueue(async () => {
          try {
            await engine.write(doc, (y) => {
              const at = y.getArray(ROOTS.page.msgs).length
              const ts = Date.now()
              y.getArray<SystemLine>(ROOTS.page.sys).push(
                lines.map((l) => {
                  const line: SystemLine = {
                    id: `s${randomBytes(9).toString('base64url')}`,
                    kind: 'system',
                    ts,
                    at,
                    event: l.event,
                    actor: l.actor,
                  }
                  if (l.target !== undefined) line.target = l.target
                  if (l.title !== undefined) line.title = l.title
                  return line
                }),
              )
            })
            resolve()
          } catch (e) {
            reject(e)
          }
        }),
      )
      await doc.lastCommit
    } finally {
      engine.docs.release(doc)
    }
  }
}
