// Work kept in the database and done when due (scheduled channel posts, app webhook calls): a job run
// every `ms`, never two runs at once, that stops taking work when the server closes. Each run claims its
// rows with a conditional UPDATE, so that several processes on one database never do one twice.
export abstract class Ticker {
  private timer: ReturnType<typeof setInterval> | null = null
  private running: Promise<void> | null = null
  private halted = false

  constructor(private ms: number) {}

  /** One run: does what is due at `now`; looks at `stopped` before it takes more work. */
  protected abstract run(now: number): Promise<void>

  /** Starts ticking (never with `ms` 0: then only `tick()` runs it, as tests do). */
  start(): void {
    if (this.timer || this.ms <= 0) return
    this.timer = setInterval(() => void this.tick(), this.ms)
    this.timer.unref()
  }

  /** Stops ticking; a run under way takes no more work. */
  stop(): void {
    this.halted = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  get stopped(): boolean {
    return this.halted
  }

  /** Runs the job now, or joins the run under way. */
  tick(now = Date.now()): Promise<void> {
    this.running ??= this.run(now).finally(() => (this.running = null))
    return this.running
  }
}
