// The image decoders' queue: one account's many images do not keep another's waiting behind them.
import { describe, expect, it } from 'vitest'
import { FairQueue } from '../../server/media/decode-queue.ts'

/** A job that runs until `finish` is called, noting when it started. */
function jobs(started: string[]) {
  const finish = new Map<string, () => void>()
  const job = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name)
      finish.set(name, () => resolve(name))
    })
  return { job, finish: (name: string) => finish.get(name)!() }
}
const settle = () => new Promise((r) => setTimeout(r, 0))

describe('FairQueue', () => {
  it("runs one job of an account at a time: another account's job takes the free slot at once", async () => {
    const started: string[] = []
    const { job, finish } = jobs(started)
    const q = new FairQueue(2)
    const done = ['a1', 'a2', 'a3'].map((n) => q.run('mallory', job(n)))
    const bob = q.run('bob', job('b1'))
    await settle()
    expect(started).toEqual(['a1', 'b1'])
    finish('b1')
    expect(await bob).toBe('b1')
    await settle()
    // the slot Bob left is not Mallory's second: one of hers at a time
    expect(started).toEqual(['a1', 'b1'])
    finish('a1')
    await settle()
    expect(started).toEqual(['a1', 'b1', 'a2'])
    finish('a2')
    await settle()
    finish('a3')
    expect(await Promise.all(done)).toEqual(['a1', 'a2', 'a3'])
    expect(q.queued).toBe(0)
  })

  it('takes turns between accounts when the slots are full', async () => {
    const started: string[] = []
    const { job, finish } = jobs(started)
    const q = new FairQueue(1)
    for (const n of ['a1', 'a2', 'a3']) void q.run('a', job(n))
    for (const n of ['b1', 'b2']) void q.run('b', job(n))
    void q.run('c', job('c1'))
    for (const n of ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']) {
      await settle()
      expect(started.at(-1)).toBe(n)
      finish(n)
    }
  })

  it('a job that fails frees its slot, and its caller gets the error', async () => {
    const q = new FairQueue(1)
    const failed = q.run('a', () => Promise.reject(new Error('not an image')))
    const next = q.run('a', () => Promise.resolve('next'))
    await expect(failed).rejects.toThrow('not an image')
    expect(await next).toBe('next')
  })
})
