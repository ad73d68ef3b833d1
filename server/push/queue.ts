// A FIFO of jobs taken from the front: an index instead of Array.shift, which copies the array every time
// (10,000 queued pushes would cost 10,000 copies).
export class Fifo<T> {
  private items: T[] = []
  private head = 0

  get length(): number {
    return this.items.length - this.head
  }

  push(v: T): void {
    this.items.push(v)
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined
    const v = this.items[this.head]
    this.items[this.head++] = undefined as T
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return v
  }

  clear(): void {
    this.items = []
    this.head = 0
  }
}
