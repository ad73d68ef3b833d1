// A media folder belongs to one database: a second SQLite file beside the first (whose default media folder
// is the same `blobs`) would have its server's collector delete the first one's photos, and the other way
// round. Its server refuses to start instead, and says what to do. Content that is gone answers 404.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { download, sendMedia, upload } from '../fixtures/media.ts'
import { api, signUp, startServerOn } from '../fixtures/server.ts'
import sharp from 'sharp'

describe('a media folder of one database', () => {
  it('refuses a second database in the folder, takes its own database again, and answers 404 for content that is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sori-two-'))
    const first = await startServerOn(join(dir, 'a.db'), { mediaDir: undefined })
    const [ann, bob] = [await signUp(first, 'mf_ann'), await signUp(first, 'mf_bob')]
    const chat = (await api<Chat>(first, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const sent = await upload(
      first,
      ann.token,
      chat.id,
      'photo',
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a6' } })
        .jpeg()
        .toBuffer(),
    )
    await sendMedia(first, ann, chat.id, sent)
    expect((await download(first, bob.token, sent.id)).status).toBe(200)

    // a.db's neighbour b.db would use the same folder, dir/blobs
    await expect(startServerOn(join(dir, 'b.db'), { mediaDir: undefined })).rejects.toThrow(
      /media folder .*blobs belongs to another database.*SORI_BLOB_DIR/,
    )
    // with a folder of its own it starts
    const second = await startServerOn(join(dir, 'b.db'), { mediaDir: join(dir, 'b-media') })
    await second.close()
    // and the photo is still there, also after a restart of its own server
    await first.close()
    const again = await startServerOn(join(dir, 'a.db'), { mediaDir: undefined })
    expect((await download(again, bob.token, sent.id)).status).toBe(200)

    // its bytes lost (a folder restored without them): 404, not a server fault
    for (const d of readdirSync(join(dir, 'blobs')).filter((n) => /^[0-9a-f]{2}$/.test(n)))
      rmSync(join(dir, 'blobs', d), { recursive: true })
    const gone = await download(again, bob.token, sent.id)
    expect(gone.status).toBe(404)
    await again.close()
  })
})
