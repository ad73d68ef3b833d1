// `npm start` as a user runs it (README's first command, after `npm install`): the bundled server
// (scripts/start.mjs) answers on its port, and one Ctrl+C, which the terminal sends to every process of
// the command (npm forwards it to its shell as well), shuts it down gracefully, once.
import { afterAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { appStandIn, freePort } from '../fixtures/server.ts'
import { until } from '../fixtures/sync-client.ts'

describe('npm start', () => {
  let proc: ChildProcess | null = null
  afterAll(() => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid!, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
  })

  it('serves from the bundle, and one Ctrl+C stops it gracefully', async () => {
    const dir = appStandIn()
    const port = await freePort()
    const startedAt = Date.now()
    // its own process group, as a terminal gives a command
    proc = spawn('npm', ['start'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: join(dir, 'sori.db'), SORI_STATIC: dir },
    })
    let out = ''
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
    })
    proc.stderr!.on('data', (b: Buffer) => {
      out += b.toString()
    })
    const exited = new Promise<string>((resolve) => proc!.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)))
    await until(() => out.includes('Sori is listening'), 'the server to listen', 60_000)
    const me = await fetch(`http://127.0.0.1:${port}/api/me`)
    expect(me.status).toBe(401)
    // what runs is the bundle this start built, not tsx's on-the-fly transform
    expect(statSync('dist-server/main.mjs').mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000)
    expect(((await me.json()) as { error?: { code?: string } }).error?.code).toBeTruthy()

    // Ctrl+C: SIGINT to the whole group (npm, its shell, the server)
    process.kill(-proc.pid!, 'SIGINT')
    // npm ends the way its script's signal did (it re-raises SIGINT); the server's own lines tell how it stopped
    expect(['code 0', 'SIGINT']).toContain(await exited)
    expect(out.match(/closing sockets/g)).toHaveLength(1)
    expect(out).not.toContain('again')
    expect(out).not.toContain('Shutdown failed')
    await expect(fetch(`http://127.0.0.1:${port}/api/me`)).rejects.toThrow()
  }, 90_000)
})
