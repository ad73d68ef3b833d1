// Push requests, made in a worker thread: the payload encrypted for the subscription (aes128gcm, RFC 8291:
// an ECDH per push) by `web-push`, with our VAPID header, TTL, Urgency and Topic, POSTed with a deadline.
// The encryption and the socket writes cost a few hundred microseconds a push; on the event loop that
// serves sockets, 10,000 pushes held every message behind them (BENCHMARKS.md, bench:push), so the
// thread does them, at a lower priority than the event loop.
import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'
import { BLOCKED_V4, BLOCKED_V6 } from '../http/public-address.ts'

export interface PushRequest {
  endpoint: string
  p256dh: string
  auth: string
  payload: string
  ttlSeconds: number
  urgency: 'normal' | 'high'
  topic: string
  /** the VAPID header (vapid.ts) */
  authorization: string
}

/** The push service's answer; status 0 when none came (timeout, refused, reset). */
export interface PushAnswer {
  status: number
  /** Retry-After, in ms */
  retryAfterMs?: number
}

const WORKER = `
// background work: on a busy machine the event loops that serve sockets go first (from the start: loading
// web-push and its crypto is most of what the thread's first push costs)
try { require('node:os').setPriority(19) } catch {}
// and on Linux below every normal thread (SCHED_IDLE): a thread that is only niced still holds its core for a
// scheduler slice when an event loop wakes wanting it; one at SCHED_IDLE gives it up at once
try {
  const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()
  require('node:child_process').execFile('chrt', ['--idle', '--pid', '0', tid], () => {})
} catch {}
const { workerData, parentPort } = require('node:worker_threads')
const http = require('node:http')
const https = require('node:https')
const webpush = require(workerData.webpush)
const dns = require('node:dns')
const net = require('node:net')
// A push service is on the internet. An endpoint's name is checked when it is registered, but a name
// can resolve to anything later: a socket to a private, loopback or link-local address is refused here,
// so that nobody can make the server POST into the network it runs in. (http:// endpoints exist only
// on loopback, with SORI_PUSH_ALLOW_HTTP=1 for tests, and keep the plain agent.)
// (the ranges are server/http/public-address.ts's, handed over in workerData)
// (one list per family: BlockList checks an IPv4 address against IPv6 rules too, as ::ffff:a.b.c.d)
const blockedV4 = new net.BlockList()
for (const [a, n] of workerData.blockedV4) blockedV4.addSubnet(a, n, 'ipv4')
const blockedV6 = new net.BlockList()
for (const [a, n] of workerData.blockedV6) blockedV6.addSubnet(a, n, 'ipv6')
const isBlocked = (a) => (a.family === 6 ? blockedV6.check(a.address, 'ipv6') : blockedV4.check(a.address, 'ipv4'))
function publicLookup(host, opts, cb) {
  dns.lookup(host, { ...opts, all: true }, (err, addrs) => {
    if (err) return cb(err)
    if (addrs.some(isBlocked))
      return cb(new Error(host + ' resolves to a private address: not a push service'))
    if (opts && opts.all) cb(null, addrs)
    else cb(null, addrs[0].address, addrs[0].family)
  })
}
// kept-alive connections: most pushes go to the same few push services
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true, lookup: publicLookup }) }
function retryAfter(v) {
  const s = Array.isArray(v) ? v[0] : v
  if (!s) return undefined
  if (/^\\s*\\d+\\s*$/.test(s)) return Number(s) * 1000
  const at = Date.parse(s)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}
function send(m, id, timeoutMs) {
  let details
  try {
    details = webpush.generateRequestDetails({ endpoint: m.endpoint, keys: { p256dh: m.p256dh, auth: m.auth } }, m.payload, {
      TTL: m.ttlSeconds, urgency: m.urgency, topic: m.topic, vapidDetails: null, headers: { Authorization: m.authorization },
    })
  } catch (e) {
    answer({ id, status: -1, error: String(e && e.message || e) })
    return
  }
  const url = new URL(details.endpoint)
  const secure = url.protocol === 'https:'
  const headers = {}
  for (const k of Object.keys(details.headers)) headers[k] = String(details.headers[k])
  let done = false
  const finish = (a) => {
    if (done) return
    done = true
    clearTimeout(timer)
    answer({ id, status: a.status, retryAfterMs: a.retryAfterMs, error: a.error })
  }
  const req = (secure ? https : http).request(url, { method: 'POST', headers, agent: secure ? agents.https : agents.http }, (res) => {
    // the body says nothing we act on; read it so that the connection can be reused
    res.resume()
    res.on('end', () => finish({ status: res.statusCode || 0, retryAfterMs: retryAfter(res.headers['retry-after']) }))
    res.on('error', () => finish({ status: res.statusCode || 0 }))
  })
  // a push service that does not answer in time only delays pushes: the request is dropped (and retried)
  const timer = setTimeout(() => { req.destroy(); finish({ status: 0 }) }, timeoutMs)
  req.on('error', (e) => finish({ status: 0, error: String((e && e.message) || e) }))
  req.end(details.body || undefined)
}
// answers go back together, a batch per turn of this thread's loop: each message between threads costs the
// event loop an event object and a dispatch, about 0.5 KB of garbage a push when sent one by one
let answers = []
function answer(a) {
  if (answers.length === 0) setImmediate(flushAnswers)
  answers.push(a)
}
function flushAnswers() {
  const batch = answers
  answers = []
  parentPort.postMessage(batch)
}
parentPort.on('message', (m) => {
  if (m === 'close') { agents.http.destroy(); agents.https.destroy(); parentPort.close(); return }
  for (const r of m) send(r.req, r.id, r.timeoutMs)
})
`

type Reply = PushAnswer & { id: number; error?: string }

export interface PushSender {
  /** Sends one push; an answer of status -1 means the request could not even be made (a bad subscription key). */
  send(r: PushRequest, timeoutMs: number): Promise<PushAnswer & { error?: string }>
  close(): Promise<void>
}

/**
 * The sender, whose worker thread (with web-push and its crypto) starts at the first push: a server that
 * never sends one does not carry it (about 10 MB of a starting server's memory).
 */
export function startSender(ranges: BlockedRanges = { v4: BLOCKED_V4, v6: BLOCKED_V6 }): PushSender {
  let sender: PushSender | null = null
  return {
    send: (r, timeoutMs) => (sender ??= spawnSender(ranges)).send(r, timeoutMs),
    close: () => sender?.close() ?? Promise.resolve(),
  }
}

/** The address ranges a push may not go to: server/http/public-address.ts's (a test narrows them). */
export interface BlockedRanges {
  v4: ReadonlyArray<readonly [string, number]>
  v6: ReadonlyArray<readonly [string, number]>
}

function spawnSender(ranges: BlockedRanges): PushSender {
  const webpush = createRequire(import.meta.url).resolve('web-push')
  const worker = new Worker(WORKER, { eval: true, workerData: { webpush, blockedV4: ranges.v4, blockedV6: ranges.v6 } })
  worker.unref()
  const waiting = new Map<number, (a: Reply) => void>()
  let next = 0
  let dead = false
  const failAll = () => {
    dead = true
    for (const w of waiting.values()) w({ id: -1, status: 0 })
    waiting.clear()
  }
  worker.on('message', (answers: Reply[]) => {
    for (const m of answers) {
      const w = waiting.get(m.id)
      if (!w) continue
      waiting.delete(m.id)
      w(m)
    }
  })
  // requests go together too, those of one turn of the event loop in one message (see the thread's answers)
  let outbox: Array<{ id: number; timeoutMs: number; req: PushRequest }> = []
  const flush = () => {
    const batch = outbox
    outbox = []
    if (!dead) worker.postMessage(batch)
  }
  worker.on('error', failAll)
  worker.on('exit', failAll)
  return {
    send(r, timeoutMs) {
      // a dead thread answers like a push service that is down: retried until the TTL runs out
      if (dead) return Promise.resolve({ status: 0 })
      const id = next++
      return new Promise((resolve) => {
        waiting.set(id, resolve)
        // `r` as it is, in a wrapper: `{ ...r, id }` would make a dictionary-mode object (about 1 KB) a push
        if (outbox.length === 0) setImmediate(flush)
        outbox.push({ id, timeoutMs, req: r })
      })
    },
    async close() {
      worker.postMessage('close')
      await worker.terminate()
    },
  }
}
