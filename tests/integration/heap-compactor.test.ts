// The heap compactor (server/heap.ts) in a real process: after a burst whose survivors are scattered
// over the old space, a quiet process gives the emptied pages back to the system without first growing
// by its live heap, and a busy one is left alone until it is quiet. Garbage that dies after the
// compactor is done, unannounced, is found by its follow-up collection.
import { afterEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { until } from '../fixtures/sync-client.ts'

interface Sample {
  committed: number
  used: number
  rss: number
  peak: number
  survivors: number
}

const MB = 2 ** 20
/** more free room in the old space than a collection for memory leaves */
const roomy = (x: Sample) => x.committed - x.used >= 16 * MB

function burst(mode: 'quiet' | 'busy', v8Flags: string[] = []) {
  const proc = spawn(process.execPath, [...v8Flags, '--import', 'tsx', 'tests/fixtures/heap-burst.ts', mode], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SORI_LOG: '' },
  })
  const samples: Sample[] = []
  const collected: { committedMB: number[]; liveMB: number; pauseMs: number; more: boolean }[] = []
  let err = ''
  let rest = ''
  proc.stdout!.on('data', (b: Buffer) => {
    const lines = (rest + b.toString()).split('\n')
    rest = lines.pop() ?? ''
    for (const l of lines) {
      if (l.startsWith('{')) samples.push(JSON.parse(l) as Sample)
      const m = /^\[heap\] old space collected for memory (\{.*\})$/.exec(l)
      if (m) collected.push(JSON.parse(m[1]) as (typeof collected)[number])
    }
  })
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  return { proc, samples, collected, stderr: () => err }
}

describe('heap compactor', () => {
  let proc: ChildProcess | null = null
  afterEach(() => {
    proc?.kill('SIGKILL')
    proc = null
  })

  it('gives a burst’s emptied pages back once the process is quiet, without a spike', async () => {
    const b = burst('quiet')
    proc = b.proc
    await until(() => b.samples.length > 0 || b.proc.exitCode !== null, 'the first report', 60_000)
    expect(b.stderr()).toBe('')
    const first = b.samples[0]
    // the burst grew the old space to ~270 MB, of which ~35 MB lives on
    expect(first.committed).toBeGreaterThan(200 * MB)
    // the old space comes down to little more than what lives (collections spaced to take 5% of the time)
    // (right after the burst its dead objects still count as used: what is used is what lives only after a collection)
    const shrunk = (x: Sample) => x.committed < first.committed / 2 && !roomy(x)
    await until(() => shrunk(b.samples[b.samples.length - 1]), 'the old space to shrink', 180_000)
    expect(b.collected.length).toBeGreaterThanOrEqual(1)
    const n = b.samples.length
    await until(() => b.samples.length > n + 15, 'reports after it', 30_000)
    const last = b.samples[b.samples.length - 1]
    // what lives is still there; the old space holds little more than that, and RSS fell with it
    expect(last.used).toBeGreaterThan(25 * MB)
    expect(shrunk(last)).toBe(true)
    expect(first.rss - last.rss).toBeGreaterThan(100 * MB)
    // collections that empty a few pages each: RSS never grew by the live heap on the way (compacting every
    // page at once first copies all ~35 MB of survivors to new pages)
    expect(last.peak - first.rss).toBeLessThan(16 * MB)
  }, 300_000)

  it('leaves a busy process alone, and compacts once it is quiet', async () => {
    const b = burst('busy')
    proc = b.proc
    await until(() => b.samples.length > 0 || b.proc.exitCode !== null, 'the first report', 60_000)
    // 60 reports at 100 ms while busy: the compactor looked about 6 times (every second) and did nothing
    await until(() => b.samples.length > 60, 'reports while busy', 60_000)
    expect(b.collected).toEqual([])
    b.proc.stdin!.write('idle\n')
    await until(() => b.collected.length > 0, 'a collection once quiet', 180_000)
  }, 300_000)

  it('finds garbage that died after it was done, when nothing grew and nobody told it', async () => {
    // V8's own memory reducer would find it too in this process, whose only work is its reports; on the
    // server it did not (its allocation rate when idle keeps the reducer waiting), so it is off here
    const b = burst('quiet', ['--no-memory-reducer'])
    proc = b.proc
    await until(() => b.samples.length > 0 || b.proc.exitCode !== null, 'the first report', 60_000)
    const first = b.samples[0]
    const latest = () => b.samples[b.samples.length - 1]
    // the burst's series is over: the old space shrank and the last collection said no more would follow
    await until(
      () =>
        b.collected.length > 0 &&
        !b.collected[b.collected.length - 1].more &&
        latest().committed < first.committed / 2 &&
        !roomy(latest()),
      'the burst’s collections to end',
      180_000,
    )
    const before = latest()
    // three in four survivors die: no growth, no note, only a follow-up collection can find them
    b.proc.stdin!.write('drop\n')
    await until(() => latest().survivors < before.survivors, 'the survivors to be dropped', 30_000)
    await until(
      () => before.committed - latest().committed > 12 * MB && !roomy(latest()),
      'the old space to shrink again',
      180_000,
    )
    const last = latest()
    expect(last.survivors).toBe(Math.ceil(before.survivors / 4))
    expect(last.used).toBeGreaterThan(4 * MB)
  }, 300_000)
})
