/** A FIFO async mutex. */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve()
  private held = 0

  idle(): boolean {
    return this.held === 0
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.held++
    const next = this.tail.then(fn, fn)
    this.tail = next.then(
      () => {
        this.held--
      },
      () => {
        this.held--
      },
    )
    return next
  }
}
