// docs/protocol.md's worked example, run as a third-party developer would run it: the TypeScript block is
// copied out of the document as it stands, saved as a file of its own, and run with tsx against a real
// server. It imports only public packages (yjs, lib0, y-websocket, ws), nothing of Sori's code, so it
// fails when the document and the server part ways.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The code block that follows the "Worked example" heading of docs/protocol.md. */
function workedExample(): string {
  const doc = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8')
  const at = doc.indexOf('\n## Worked example\n')
  if (at < 0) throw new Error('docs/protocol.md has no "Worked example" section')
  const m = /```ts\n([\s\S]*?)\n```/.exec(doc.slice(at))
  if (!m) throw new Error('the worked example has no TypeScript block')
  return m[1]
}

describe.each(backends())('the worked example of docs/protocol.md (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('runs as written: the message is sent, read by everyone, and the inbox shows it with nothing unread', async () => {
    // inside the checkout (.tmp/ is ignored by git), so that its imports find the packages in node_modules
    const dir = join(ROOT, '.tmp', `protocol-example-${backend}-${process.pid}`)
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'sori-client.mts')
    writeFileSync(file, workedExample())
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, suite.server.url], {
        cwd: dir,
        timeout: 60_000,
      })
      expect(stderr).toBe('')
      expect(stdout.trim().split('\n')).toEqual(['sent', 'read by everyone', 'inbox: Noodles at 12? unread 0'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
