// The stock y-websocket server, as y-websocket@1.5.4's bin/server.js runs it: http + ws + setupWSConnection,
// with y-leveldb persistence (utils.js reads YPERSISTENCE when it is first required, so it must be set
// before this process starts), or with documents in memory only when YPERSISTENCE is set and empty
// (`--stock-memory`). Listens on HOST:PORT (the benchmark passes 127.0.0.1 and a free port).
// ws is the project's ws@8, the same as Sori's, so the comparison is between the sync servers, not ws versions.
'use strict'
const http = require('node:http')
const path = require('node:path')
const { WebSocketServer } = require('ws')

if (process.env.YPERSISTENCE === undefined) throw new Error('YPERSISTENCE must name a folder for y-leveldb, or be empty')
// empty: documents in memory only (utils.js persists whenever the variable is set, even to '')
if (process.env.YPERSISTENCE === '') delete process.env.YPERSISTENCE
// bin/utils.js is not in the package's "exports"; require it by path
const { setupWSConnection } = require(path.join(__dirname, '..', '..', 'node_modules', 'y-websocket-stock', 'bin', 'utils.js'))

const wss = new WebSocketServer({ noServer: true })
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' })
  res.end('okay')
})
server.on('upgrade', (req, socket, head) => {
  // the bench uses Sori's URL form /sync/<doc>?token=...; serve the same doc names
  const url = req.url || '/'
  const docName = decodeURIComponent(
    url
      .split('?')[0]
      .replace(/^\/sync\//, '/')
      .slice(1),
  )
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName }))
})
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
