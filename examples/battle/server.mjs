// Battle: a tiny two-player rock-paper-scissors game, a third-party web app that uses Sori Link. It serves
// its page and holds battles in memory, by id. Run: SORI_ORIGIN=http://localhost:8080 SORI_APP_KEY=<key>
// node examples/battle/server.mjs  (PORT, default 5173). See README.md.
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const MOVES = ['rock', 'paper', 'scissors']
const BEATS = { rock: 'scissors', paper: 'rock', scissors: 'paper' }
const ID_RE = /^[a-z0-9]{10}$/
const TOKEN_RE = /^[A-Za-z0-9_-]{16,64}$/
const MAX_BATTLES = 10_000

const file = (name) => readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8')
const escapeAttr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** What a player sees of a battle: never the other player's move before both have played. */
function view(b, token) {
  const seat = b.players.indexOf(token)
  const done = b.players.length === 2 && b.players.every((p) => b.moves[p])
  const out = {
    id: b.id,
    players: b.players.length,
    seat: seat < 0 ? null : seat + 1,
    mine: b.moves[token] ?? null,
    result: null,
  }
  if (done && seat >= 0) {
    const mine = b.moves[token]
    const theirs = b.moves[b.players[1 - seat]]
    out.theirs = theirs
    out.result = mine === theirs ? 'draw' : BEATS[mine] === theirs ? 'win' : 'lose'
  }
  return out
}

/**
 * The game's server. `options.soriOrigin` and `options.appKey` are read on every page request (a test may
 * set the key once the app is registered, after the server has its origin).
 */
export function createBattleServer(options) {
  const battles = new Map()
  const send = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(body))
  }
  const readJson = async (req) => {
    let raw = ''
    for await (const chunk of req) {
      raw += chunk
      if (raw.length > 1000) throw new Error('too big')
    }
    return JSON.parse(raw || '{}')
  }
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        const html = file('./index.html')
          .replaceAll('%SORI_ORIGIN%', escapeAttr(options.soriOrigin))
          .replaceAll('%SORI_APP_KEY%', escapeAttr(options.appKey ?? ''))
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        return res.end(html)
      }
      if (req.method === 'GET' && url.pathname === '/app.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' })
        return res.end(file('./app.js'))
      }
      const m = url.pathname.match(/^\/api\/battles(?:\/([^/]+)(?:\/(join|move))?)?$/)
      if (!m) return send(res, 404, { error: 'not found' })
      const [, id, action] = m
      const body = req.method === 'POST' ? await readJson(req) : {}
      const token = req.method === 'POST' ? body.token : url.searchParams.get('token')
      if (typeof token !== 'string' || !TOKEN_RE.test(token)) return send(res, 400, { error: 'token is missing' })
      if (!id && req.method === 'POST') {
        if (battles.size >= MAX_BATTLES) battles.delete(battles.keys().next().value)
        const b = { id: randomBytes(8).toString('hex').slice(0, 10), players: [token], moves: {} }
        battles.set(b.id, b)
        return send(res, 201, view(b, token))
      }
      const b = id && ID_RE.test(id) ? battles.get(id) : undefined
      if (!b) return send(res, 404, { error: 'no such battle' })
      if (req.method === 'GET' && !action) return send(res, 200, view(b, token))
      if (req.method === 'POST' && action === 'join') {
        if (!b.players.includes(token)) {
          if (b.players.length >= 2) return send(res, 409, { error: 'this battle already has two players' })
          b.players.push(token)
        }
        return send(res, 200, view(b, token))
      }
      if (req.method === 'POST' && action === 'move') {
        if (!b.players.includes(token)) return send(res, 403, { error: 'join the battle first' })
        if (!MOVES.includes(body.move)) return send(res, 400, { error: 'move must be rock, paper or scissors' })
        if (!b.moves[token]) b.moves[token] = body.move
        return send(res, 200, view(b, token))
      }
      return send(res, 405, { error: 'method not allowed' })
    } catch {
      send(res, 400, { error: 'bad request' })
    }
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? 5173)
  const options = { soriOrigin: process.env.SORI_ORIGIN ?? 'http://localhost:8080', appKey: process.env.SORI_APP_KEY ?? '' }
  if (!options.appKey) console.warn('SORI_APP_KEY is not set: register the app in Sori first (README.md)')
  createBattleServer(options).listen(port, '127.0.0.1', () =>
    console.log(`Battle on http://127.0.0.1:${port}, Sori at ${options.soriOrigin}`),
  )
}
