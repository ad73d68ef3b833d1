// Appending one message to a Y.Array the way insert(length) does, without its search.
//
// Yjs drops a Y.Array's search markers on every remote change (AbstractType._callObserver), so in a chat
// where others write between one's own messages, insert(arr.length) and push() walk the page from its
// first item every time: at 5,000 msg/s into pages of several hundred messages that walk took 18% of the
// load generator's CPU (a cost the server never sees). The generator instead remembers the array's last
// item and integrates the new Item right after it: the same struct, the same update bytes (checked by
// `assertSameAsInsert` at start-up), sent through the same `update` event.
import * as Y from 'yjs'

export class Appender<T> {
  /** the ID of the array's last item as last seen: Item objects themselves merge away after transactions */
  private lastId: Y.ID | null = null

  constructor(private readonly arr: Y.Array<T>) {}

  /** Appends `value` in one transaction of its own, as `arr.insert(arr.length, [value])` would. */
  append(value: T): void {
    const doc = this.arr.doc!
    let last: Y.Item | null = this.lastId ? (Y.getItem(doc.store, this.lastId) as Y.Item) : this.arr._start
    // others' messages arrive after what we knew as the end: walk only over those
    while (last !== null && last.right !== null) last = last.right
    // insert(length) puts the new item after the last countable, undeleted item; the bench never deletes
    Y.transact(doc, (tr) => {
      const id = Y.createID(doc.clientID, Y.getState(doc.store, doc.clientID))
      const item = new Y.Item(id, last, last && last.lastId, null, null, this.arr, null, new Y.ContentAny([value]))
      item.integrate(tr, 0)
      this.lastId = item.id
    })
  }
}

/** Throws unless Appender produces exactly the update that insert(length) produces, after remote changes. */
export function assertSameAsInsert(): void {
  const writer = new Y.Doc()
  writer.getArray('a').insert(0, [{ n: 0 }])
  const seed = Y.encodeStateAsUpdate(writer)
  const [a, b] = [new Y.Doc(), new Y.Doc()]
  a.clientID = b.clientID = 7
  for (const d of [a, b]) Y.applyUpdate(d, seed)
  const out: Uint8Array[][] = [[], []]
  a.on('update', (u: Uint8Array) => out[0].push(u))
  b.on('update', (u: Uint8Array) => out[1].push(u))
  const arrA = a.getArray<{ n: number }>('a')
  const app = new Appender(b.getArray<{ n: number }>('a'))
  for (let i = 1; i < 20; i++) {
    arrA.insert(arrA.length, [{ n: i }])
    app.append({ n: i })
    if (i % 3 === 0) {
      // a message from someone else in between
      writer.getArray('a').insert(writer.getArray('a').length, [{ n: -i }])
      const u = Y.encodeStateAsUpdate(writer, Y.encodeStateVector(a))
      Y.applyUpdate(a, u)
      Y.applyUpdate(b, u)
    }
  }
  const same = out[0].length === out[1].length && out[0].every((u, i) => Buffer.compare(u, out[1][i]) === 0)
  if (!same || Buffer.compare(Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b)) !== 0) {
    throw new Error('bench Appender: its updates differ from Y.Array.insert(length); fix append.ts before measuring')
  }
}
