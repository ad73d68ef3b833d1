// The chat's latest message's kind as the convs table keeps it (last_media): a media kind, a retraction, or
// an album's count ("photo*3"), read back as written; and what joins an album.
import { describe, expect, it } from 'vitest'
import { lastKindColumn, storedLastKind, withAlbum, type LastMessage } from '../../server/chats/mirror.ts'
import type { ChatMessage } from '../../protocol/messages.ts'

const photo = (from: string, ts: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${ts}`,
  from,
  ts,
  kind: 'media',
  body: '',
  media: { id: 'b'.repeat(22), kind: 'photo', mime: 'image/jpeg', size: 9, w: 4, h: 3 },
  ...extra,
})
const last = (m: ChatMessage): LastMessage => ({
  preview: m.body,
  from: m.from,
  ts: m.ts,
  ...(m.media ? { media: m.media.kind } : {}),
})

describe('last_media', () => {
  it('reads back what it wrote', () => {
    for (const l of [
      {},
      { media: 'photo' as const },
      { media: 'video' as const },
      { retracted: true as const },
      { media: 'photo' as const, photos: 12 },
    ])
      expect(storedLastKind(lastKindColumn(l))).toEqual(l)
    expect(lastKindColumn({ media: 'photo', photos: 3 })).toBe('photo*3')
    // nothing else passes for an album
    for (const v of ['photo*1', 'photo*0', 'photo*', 'video*3', 'photo*03']) expect(storedLastKind(v).photos).toBeUndefined()
  })
})

describe('withAlbum', () => {
  const t0 = 1_800_000_000_000
  it("counts one sender's photos without words a minute apart at most", () => {
    let l = last(photo('ann', t0))
    for (const dt of [1_000, 30_000, 80_000]) {
      const m = photo('ann', t0 + dt)
      l = withAlbum(l, m, last(m))
    }
    expect(l.photos).toBe(4)
  })
  it('starts again after words, a reply, another sender or a pause', () => {
    const first = last(photo('ann', t0))
    for (const m of [
      photo('ann', t0 + 1_000, { body: 'look' }),
      photo('ann', t0 + 1_000, { replyTo: 'x' }),
      photo('bob', t0 + 1_000),
      photo('ann', t0 + 61_000),
    ])
      expect(withAlbum(first, m, last(m)).photos).toBeUndefined()
    expect(withAlbum({ ...first, preview: 'a caption' }, photo('ann', t0 + 1), last(photo('ann', t0 + 1))).photos).toBeUndefined()
  })
})
