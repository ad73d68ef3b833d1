// npm run bench:media: what media costs the server. Uploads of photos from many clients at once
// (throughput, server CPU per MB and per photo, latency per photo), then many large uploads at once in
// PATCHes of 4 MB, sampling the server's resident memory (it must stay flat: bodies are streamed to
// storage, not held). Prints figures, never pass/fail; the server runs as `npm start` runs it, in a
// process of its own measured from /proc.
import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import type { BlobInfo, UploadCreated } from '../../protocol/api.ts'
import { cpuDelta, cpuByPid, cpuMicros, memory } from '../lib/proc.ts'
import { HOST, startSori, type ServerChild } from '../lib/servers.ts'
import { createGroup, inPool, signUpUsers, type BenchUser } from '../lib/sori-api.ts'
import { fmt, median, percentile } from '../lib/stats.ts'
import { runClient } from './client.ts'

const { values: opt } = parseArgs({
  options: {
    photos: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '50' },
    big: { type: 'string', default: '20' },
    'big-mb': { type: 'string', default: '200' },
    postgres: { type: 'boolean', default: false },
    // the phone's side (client.ts): send → the receiver's placeholder and image, long tasks while sending
    'client-runs': { type: 'string', default: '5' },
    'skip-client': { type: 'boolean', default: false },
    'client-only': { type: 'boolean', default: false },
  },
})
const PHOTOS = Number(opt.photos)
const CLIENTS = Number(opt.clients)
const BIG = Number(opt.big)
const BIG_BYTES = Number(opt['big-mb']) * 1_000_000
const CHUNK = 4 * 1024 * 1024
const MB = 1_000_000

const log = (s: string) => console.log(s)

/** A photo as a phone app sends it after downscaling: 2,560 × 1,920 JPEG, gradients and grain, about 0.5 MB. */
async function makePhoto(): Promise<Buffer> {
  const w = 2560
  const h = 1920
  const px = Buffer.alloc(w * h * 3)
  const grain = randomBytes(w * h)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      const g = grain[y * w + x] >> 4
      px[i] = ((x * 255) / w + g) & 255
      px[i + 1] = ((y * 255) / h + g) & 255
      px[i + 2] = (((x + y) * 127) / (w + h) + 64 + g) & 255
    }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 72 })
    .toBuffer()
}

async function upload(
  port: number,
  u: BenchUser,
  convId: string,
  kind: 'photo' | 'video',
  size: number,
  body: (offset: number) => Buffer,
) {
  const base = `http://${HOST}:${port}`
  const auth = { authorization: `Bearer ${u.token}` }
  const created = await fetch(`${base}/api/chats/${convId}/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ kind, size }),
  })
  if (created.status !== 201) throw new Error(`create → ${created.status} ${await created.text()}`)
  const { id } = (await created.json()) as UploadCreated
  let offset = 0
  for (;;) {
    const part = body(offset)
    const r = await fetch(`${base}/api/uploads/${id}`, {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
      // a copy: fetch takes only bytes over a plain ArrayBuffer, and a Buffer may sit on a shared one
      body: new Uint8Array(part),
    })
    if (r.status === 201) return (await r.json()) as BlobInfo
    if (r.status !== 204) throw new Error(`PATCH → ${r.status} ${await r.text()}`)
    offset = Number(r.headers.get('upload-offset'))
  }
}

async function photos(server: ServerChild, users: BenchUser[], convId: string, photo: Buffer): Promise<void> {
  const perClient = Math.ceil(PHOTOS / users.length)
  const latencies: number[] = []
  let bytes = 0
  const pg0 = cpuByPid('postgres')
  const cpu0 = cpuMicros(server.pid)
  const t0 = performance.now()
  await Promise.all(
    users.map(async (u) => {
      for (let i = 0; i < perClient && latencies.length < PHOTOS; i++) {
        const t = performance.now()
        const blob = await upload(server.port, u, convId, 'photo', photo.length, () => photo)
        latencies.push(performance.now() - t)
        bytes += photo.length
        if (blob.kind !== 'photo') throw new Error('not stored as a photo')
      }
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const cpu = (cpuMicros(server.pid) - cpu0) / 1000
  const pg = cpuDelta(pg0, cpuByPid('postgres')) / 1000
  log(
    `== 1. ${latencies.length} photos of ${fmt(photo.length / MB, 2)} MB from ${users.length} clients at once (${server.storage}) ==`,
  )
  log(`  wall ${fmt(wall, 1)} s: ${fmt(latencies.length / wall, 1)} photos/s, ${fmt(bytes / MB / wall, 1)} MB/s in`)
  log(
    `  server CPU ${fmt(cpu / 1000, 1)} s: ${fmt(cpu / (bytes / MB), 1)} ms per MB, ${fmt(cpu / latencies.length, 1)} ms per photo` +
      (server.storage === 'postgres'
        ? `; Postgres backends ${fmt(pg / 1000, 1)} s more (${fmt(pg / (bytes / MB), 1)} ms per MB)`
        : ''),
  )
  log(
    `  per photo, announce to stored: median ${fmt(median(latencies), 0)} ms, p90 ${fmt(percentile(latencies, 90), 0)} ms, p99 ${fmt(percentile(latencies, 99), 0)} ms`,
  )
}

async function bigUploads(server: ServerChild, users: BenchUser[], convId: string): Promise<void> {
  // each upload its own bytes (no deduplication), made 1 MB at a time from a per-upload seed block
  const seeds = users.map(() => randomBytes(CHUNK))
  const chunkFor = (k: number) => (offset: number) => {
    const n = Math.min(CHUNK, BIG_BYTES - offset)
    const b = Buffer.from(seeds[k].subarray(0, n))
    b.writeUInt32BE(offset >>> 0, 0) // no two chunks alike either
    return b
  }
  const before = memory(server.pid)
  let peak = before.rss
  const sampler = setInterval(() => {
    peak = Math.max(peak, memory(server.pid).rss)
  }, 100)
  const cpu0 = cpuMicros(server.pid)
  const t0 = performance.now()
  try {
    await inPool(users, users.length, (u, k) => upload(server.port, u, convId, 'video', BIG_BYTES, chunkFor(k)))
  } finally {
    clearInterval(sampler)
  }
  const wall = (performance.now() - t0) / 1000
  const cpu = (cpuMicros(server.pid) - cpu0) / 1000
  const total = users.length * BIG_BYTES
  log(`== 2. ${users.length} uploads of ${fmt(BIG_BYTES / MB, 0)} MB at once, in PATCHes of 4 MiB (${server.storage}) ==`)
  log(`  wall ${fmt(wall, 1)} s: ${fmt(total / MB / wall, 1)} MB/s in; server CPU ${fmt(cpu / (total / MB), 2)} ms per MB`)
  log(
    `  server RSS before ${fmt(before.rss / MB, 0)} MB, peak while uploading ${fmt(peak / MB, 0)} MB (+${fmt((peak - before.rss) / MB, 0)} MB ` +
      `for ${fmt(total / MB, 0)} MB received, ${fmt(((peak - before.rss) / total) * 100, 2)}% of it)`,
  )
}

async function main(): Promise<void> {
  log(
    `Sori media benchmark — ${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  if (!opt['client-only']) await serverSide()
  if (!opt['skip-client']) await runClient(log, Number(opt['client-runs']))
}

async function serverSide(): Promise<void> {
  const dbUrl = opt.postgres ? process.env.DATABASE_URL : undefined
  if (opt.postgres && !dbUrl?.startsWith('postgres')) throw new Error('--postgres needs DATABASE_URL=postgres://...')
  const server = await startSori(dbUrl)
  try {
    const need = Math.max(CLIENTS, BIG)
    const users = await signUpUsers(server.port, need, `m${Date.now() % 100_000}_`)
    const convId = await createGroup(server.port, users[0], users.slice(1), 'media bench')
    const photo = await makePhoto()
    await photos(server, users.slice(0, CLIENTS), convId, photo)
    await bigUploads(server, users.slice(0, BIG), convId)
  } finally {
    await server.stop()
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
