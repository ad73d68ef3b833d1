// Resource attacks (issue 2) against the server running as its own process (server/main.ts), so that
// its memory and open files can be read from /proc: a 100 MB frame (whole and fragmented), a frame
// just over the limit, and 10,000 upgrades without a token. The server must refuse each without
// buffering it, keep serving the members who behave, and settle back. Memory figures are printed;
// the only assertions on them are generous bounds (a fraction of the attack's size), never timing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { connect, type Socket } from 'node:net'
import { request } from 'node:http'
import { randomBytes } from 'node:crypto'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { freshDatabaseUrl } from '../fixtures/databases.ts'
import {
  Raw,
  fence,
  http,
  msgs,
  newGroup,
  newUser,
  spawnServer,
  stock,
  until,
  upgradeStatus,
  type Child,
  type Stock,
  type User,
} from '../fixtures/attacks.ts'
import { MAX_FRAME_BYTES, pageDoc } from '../../protocol/index.ts'

const MB = 1024 * 1024

/** Upgrades a plain TCP socket to a WebSocket by hand, so that frames of any size can be streamed in chunks. */
async function tcpUpgrade(
  url: string,
  path: string,
): Promise<{ sock: Socket; closeCode: () => number | null; closed: () => boolean; done: Promise<void> }> {
  const u = new URL(url)
  const sock = connect(Number(u.port), u.hostname)
  sock.on('error', () => {})
  let buf = Buffer.alloc(0)
  let upgraded = false
  let code: number | null = null
  let ended = false
  let markDone = () => {}
  const done = new Promise<void>((r) => {
    markDone = r
  })
  sock.on('close', () => {
    ended = true
    markDone()
  })
  await new Promise<void>((resolve, reject) => {
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.subarray(0, end).toString()
        if (!/^HTTP\/1\.1 101/.test(head)) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
          return
        }
        upgraded = true
        buf = buf.subarray(end + 4)
        resolve()
      }
      // server frames are not masked: parse them for a close frame
      while (buf.length >= 2) {
        let len = buf[1] & 0x7f
        let off = 2
        if (len === 126) {
          if (buf.length < 4) return
          len = buf.readUInt16BE(2)
          off = 4
        } else if (len === 127) {
          if (buf.length < 10) return
          len = Number(buf.readBigUInt64BE(2))
          off = 10
        }
        if (buf.length < off + len) return
        if ((buf[0] & 0x0f) === 0x8) {
          code = len >= 2 ? buf.readUInt16BE(off) : 1005
          markDone()
        }
        buf = buf.subarray(off + len)
      }
    })
    sock.once('connect', () => {
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    sock.once('close', () => reject(new Error('closed during the upgrade')))
  })
  return { sock, closeCode: () => code, closed: () => ended, done }
}

/** MSG_SYNC, messageYjsUpdate, and the varUint length that makes a frame of `total` bytes consistent. */
function syncUpdatePrefix(total: number): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 2)
  const headLen = encoding.length(e)
  let lenBytes = 1
  while (encoding.length(e) === headLen) {
    const probe = encoding.createEncoder()
    encoding.writeVarUint(probe, total - headLen - lenBytes)
    if (encoding.length(probe) === lenBytes) encoding.writeVarUint(e, total - headLen - lenBytes)
    else lenBytes++
  }
  return encoding.toUint8Array(e)
}

/** A client frame header, masked with a zero key so that the payload goes out unchanged. */
function frameHeader(opcode: number, fin: boolean, length: number): Buffer {
  const h = Buffer.alloc(14)
  h[0] = (fin ? 0x80 : 0) | opcode
  h[1] = 0x80 | 127
  h.writeBigUInt64BE(BigInt(length), 2)
  // bytes 10..13: the mask key, zero
  return h
}

/** Streams `total` bytes as one frame (or as fragments of `fragment` bytes) until done or the server closes. */
async function stream(conn: Awaited<ReturnType<typeof tcpUpgrade>>, total: number, fragment?: number): Promise<number> {
  const chunk = Buffer.alloc(MB)
  // a y-websocket sync update whose length prefix matches the frame, so the payload looks legitimate
  chunk.set(syncUpdatePrefix(total))
  let sent = 0
  const write = (b: Buffer) =>
    new Promise<void>((r) => {
      if (!conn.sock.write(b)) conn.sock.once('drain', r)
      else r()
    })
  const stop = () => conn.closed() || conn.closeCode() !== null
  const parts = fragment ? Math.ceil(total / fragment) : 1
  for (let p = 0; p < parts && !stop(); p++) {
    const size = fragment ? Math.min(fragment, total - p * fragment) : total
    await write(frameHeader(p === 0 ? 0x2 : 0x0, p === parts - 1, size))
    for (let done = 0; done < size && !stop();) {
      const n = Math.min(chunk.length, size - done)
      await Promise.race([write(n === chunk.length ? chunk : chunk.subarray(0, n)), conn.done])
      done += n
      sent += n
    }
  }
  return sent
}

describe('sync resource attacks (server as a child process, sqlite)', () => {
  let srv: Child
  let wsBase: string
  let a: User, b: User, c: User
  let page: string
  let A: Stock, C: Stock

  beforeAll(async () => {
    srv = await spawnServer(await freshDatabaseUrl('sqlite'))
    wsBase = srv.url.replace(/^http/, 'ws')
    ;[a, b, c] = await Promise.all([newUser(srv.url, 'a'), newUser(srv.url, 'b'), newUser(srv.url, 'c')])
    const chat = await newGroup(srv.url, a, [b, c])
    page = pageDoc(chat.id, chat.page)
    A = await stock(wsBase, page, a.token)
    C = await stock(wsBase, page, c.token)
    await fence(A, a.id, [C])
  }, 120_000)
  afterAll(async () => {
    A?.destroy()
    C?.destroy()
    await srv?.stop()
  })

  async function bigFrame(label: string, fragment?: number) {
    const conn = await tcpUpgrade(srv.url, `/sync/${page}?token=${encodeURIComponent(b.token)}`)
    const rssBefore = srv.rssKb()
    let peak = rssBefore
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, srv.rssKb())
      } catch {
        /* process gone: the test fails below */
      }
    }, 20)
    const sent = await stream(conn, 100 * MB, fragment)
    await until(() => conn.closeCode() !== null || conn.closed(), 'the server to close the socket')
    clearInterval(sampler)
    peak = Math.max(peak, srv.rssKb())
    conn.sock.destroy()
    console.log(
      `${label}: server closed with ${conn.closeCode() ?? '(no close frame)'} after ${(sent / MB).toFixed(1)} MB sent; server RSS ${(rssBefore / 1024).toFixed(1)} MB before, peak ${(peak / 1024).toFixed(1)} MB (+${((peak - rssBefore) / 1024).toFixed(1)} MB)`,
    )
    expect(conn.closeCode()).toBe(1009)
    // buffering the frame would cost at least 100 MB; allow a generous fraction of it
    expect(peak - rssBefore).toBeLessThan(40 * 1024)
    const marker = await fence(A, a.id, [C])
    expect(msgs(C.doc).at(-1)).toEqual(marker)
  }

  it('closes a 100 MB frame with 1009 without buffering it, and keeps serving', async () => {
    await bigFrame('100 MB frame')
  })

  it('closes a 100 MB message sent as 200 fragments of 512 KB with 1009 without buffering it', async () => {
    await bigFrame('100 MB in fragments', 512 * 1024)
  })

  it(`closes a frame of ${MAX_FRAME_BYTES + 1} bytes with 1009 and accepts a sync frame well under it`, async () => {
    const raw = await Raw.open(wsBase, page, { token: b.token })
    const payload = new Uint8Array(MAX_FRAME_BYTES + 1)
    payload.set(syncUpdatePrefix(payload.length))
    raw.send(payload)
    expect((await raw.closeCode()).code).toBe(1009)
    const ok = await Raw.open(wsBase, page, { token: b.token })
    await ok.sync(new Y.Doc())
    expect(ok.isOpen).toBe(true)
    ok.close()
  })

  it('answers 10,000 upgrades without a token with 401, keeps serving members meanwhile, and settles back', async () => {
    const N = 10_000
    const CONCURRENCY = 200
    const u = new URL(srv.url)
    const rssBefore = srv.rssKb()
    const fdsBefore = srv.openFds()
    const statuses = new Map<number | string, number>()
    const attempt = () =>
      new Promise<void>((resolve) => {
        const req = request({
          host: u.hostname,
          port: Number(u.port),
          path: `/sync/${page}`,
          agent: false,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
            'Sec-WebSocket-Version': '13',
          },
        })
        const count = (k: number | string) => {
          statuses.set(k, (statuses.get(k) ?? 0) + 1)
          resolve()
        }
        req.on('response', (res) => {
          res.resume()
          count(res.statusCode ?? 0)
          req.destroy()
        })
        req.on('upgrade', (_res, socket) => {
          socket.destroy()
          count(101)
        })
        req.on('error', (e: NodeJS.ErrnoException) => count(e.code ?? 'error'))
        req.end()
      })

    // members keep talking during the flood: each message must arrive (liveness bound, not a timing assertion)
    let flooding = true
    const delays: number[] = []
    let peak = rssBefore
    const talk = (async () => {
      let i = 0
      while (flooding) {
        const t0 = Date.now()
        await fence(A, a.id, [C], `during the flood ${i++}`)
        delays.push(Date.now() - t0)
        peak = Math.max(peak, srv.rssKb())
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    const t0 = Date.now()
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          next++
          await attempt()
        }
      }),
    )
    const floodMs = Date.now() - t0
    const me = await http(srv.url, 'GET', '/api/me', a.token)
    flooding = false
    await talk

    expect(Object.fromEntries(statuses)).toEqual({ 401: N })
    expect(me.status).toBe(200)
    expect(delays.length).toBeGreaterThan(0)
    // the sockets are all released and memory comes back near where it was
    await until(() => srv.openFds() <= fdsBefore + 20, `open files to return near ${fdsBefore} (now ${srv.openFds()})`, 20_000)
    let rssAfter = srv.rssKb()
    await until(
      () => (rssAfter = srv.rssKb()) - rssBefore < 64 * 1024,
      `RSS to settle within 64 MB of ${rssBefore} kB (now ${srv.rssKb()} kB)`,
      20_000,
    ).catch(() => {})
    const sorted = [...delays].sort((x, y) => x - y)
    console.log(
      `10,000 upgrades without a token: ${floodMs} ms (${Math.round(N / (floodMs / 1000))}/s at ${CONCURRENCY} in flight); ` +
        `member messages during the flood: ${delays.length}, delivery median ${sorted[sorted.length >> 1]} ms, max ${sorted.at(-1)} ms; ` +
        `server RSS ${(rssBefore / 1024).toFixed(1)} MB before, peak ${(peak / 1024).toFixed(1)} MB, after ${(rssAfter / 1024).toFixed(1)} MB; open files ${fdsBefore} before, ${srv.openFds()} after`,
    )
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024)
    const marker = await fence(A, a.id, [C])
    expect(msgs(C.doc).at(-1)).toEqual(marker)
  }, 300_000)

  it('never prints a session token, right or wrong, in its logs', async () => {
    const wrong = randomBytes(32).toString('base64url')
    expect(await upgradeStatus(wsBase, page, { token: wrong })).toBe(401)
    expect(await upgradeStatus(wsBase, 'not-a-doc', { token: a.token })).toBe(404)
    expect(await upgradeStatus(wsBase, page, { protocols: [`sori.token.${wrong}`] })).toBe(401)
    await http(srv.url, 'GET', '/api/me', wrong)
    await http(srv.url, 'GET', `/sync/${page}?token=${a.token}`)
    const out = srv.output()
    for (const t of [a.token, b.token, c.token, wrong]) expect(out.includes(t)).toBe(false)
  })
})
