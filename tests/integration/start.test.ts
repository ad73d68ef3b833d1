// `npm start` (scripts/start.mjs) as a user runs it: the server comes up with glibc's mmap threshold in
// its environment (so scrypt's 16 MB blocks go back to the system: docs/operations.md, "Memory"), and
// Ctrl+C, which the terminal sends to the whole process group, stops it once, gracefully.
import { afterAll, describe, expect, it } from 'vitest'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from '../fixtures/sync-client.ts'

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer()
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port
    s.close(() => resolve(port))
  })
})

/** The node processes started by `pid`, and theirs (the launcher → tsx's command line → the server). */
const descendants = (pid: number): number[] => {
  let out = ''
  try { out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }) } catch { return [] }
  const kids = out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)
  return kids.flatMap((k) => [k, ...descendants(k)])
}

const environOf = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')

describe('npm start', () => {
  let proc: ChildProcess | null = null
  afterAll(() => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      try { process.kill(-proc.pid!, 'SIGKILL') } catch { /* already gone */ }
    }
  })

  it('starts the server with the malloc threshold set, and one Ctrl+C stops it gracefully', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sori-start-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sori</title>')
    const port = await freePort()
    const { MALLOC_MMAP_THRESHOLD_: _callerValue, ...env } = process.env
    // its own process group, as a terminal gives a command
    proc = spawn(process.execPath, ['scripts/start.mjs'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: join(dir, 'sori.db'), SORI_STATIC: dir },
    })
    let out = ''
    proc.stdout!.on('data', (b: Buffer) => { out += b.toString() })
    proc.stderr!.on('data', (b: Buffer) => { out += b.toString() })
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', (code) => resolve(code)))
    await until(() => out.includes('Sori is listening'), 'the server to listen', 60_000)
    expect((await fetch(`http://127.0.0.1:${port}/api/me`)).status).toBe(401)

    // the launcher sets the variable for what it starts: tsx's child, the server
    const below = descendants(proc.pid!)
    expect(below.length).toBeGreaterThan(0)
    for (const pid of below) expect(environOf(pid)).toContain('MALLOC_MMAP_THRESHOLD_=1048576')

    // Ctrl+C: SIGINT to the whole group, the launcher and the server alike
    process.kill(-proc.pid!, 'SIGINT')
    expect(await exited).toBe(0)
    expect(out.match(/closing sockets/g)).toHaveLength(1)
    expect(out).not.toContain('again')
    await expect(fetch(`http://127.0.0.1:${port}/api/me`)).rejects.toThrow()
  }, 90_000)
})
