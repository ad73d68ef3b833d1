// Decoding an image costs up to seconds of CPU (a 49-megapixel WebP of 2 KB takes three), and libuv runs
// four at once: one account's uploads could hold every decoder while everyone else's photos wait. Images
// are decoded one at a time per account, the accounts taking turns, at most SLOTS at once in all.

/** images decoded at once in the process: one a core, on the machines Sori runs on */
const SLOTS = 2

export class FairQueue {
  /** per key without a job running, its jobs, oldest first; the map's order is whose turn comes next */
  private readonly waiting = new Map<string, (() => void)[]>()
  /** per key with a job running, the jobs after it: the key takes its place at the back when it ends */
  private readonly held = new Map<string, (() => void)[]>()
  private active = 0

  constructor(private readonly slots: number) {}

  /** Runs `job` once it is `key`'s turn and a slot is free; resolves or rejects as the job does. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.active++
        // (a job that throws before it returns a promise rejects like one that fails later)
        Promise.resolve()
          .then(job)
          .then(resolve, reject)
          .finally(() => {
            this.active--
            const after = this.held.get(key)
            this.held.delete(key)
            if (after && after.length > 0) this.waiting.set(key, after)
            this.next()
          })
      }
      const list = this.held.get(key) ?? this.waiting.get(key)
      if (list) list.push(start)
      else this.waiting.set(key, [start])
      this.next()
    })
  }

  /** jobs waiting, for tests and metrics */
  get queued(): number {
    let n = 0
    for (const list of this.waiting.values()) n += list.length
    for (const list of this.held.values()) n += list.length
    return n
  }

  private next(): void {
    for (const [key, list] of this.waiting) {
      if (this.active >= this.slots) return
      this.waiting.delete(key)
      this.held.set(key, list)
      list.shift()!()
    }
  }
}

/** The process's image decoders: photos, profile, group and channel pictures, app icons, link previews. */
export const decoders = new FairQueue(SLOTS)
