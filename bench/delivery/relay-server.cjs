// The floor for delivery: a server that does nothing but relay. Plain http + ws@8 with Sori's options;
// each /sync/<doc> path is a room, every sync update frame is forwarded byte for byte to the room's
// other sockets, and a sync step 1 is answered with an empty sync step 2 so that the clients count as
// synced. No Yjs, no documents, no storage, no validation, no acks. Whatever latency it shows under the
// bench's load is the machine's and the generator's, not a server's: no server can do better here.
// RELAY_BURN_US=<µs>: also spin that long per update frame, to stand in for a server that spends that
// much more CPU per message (how much a server may spend before the machine's budget is gone).
'use strict'
const http = require('node:http')
const { WebSocketServer } = require('ws')

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false })
// y-protocols: messageSync (0), syncStep2 (1), an empty update (2 bytes: no structs, no deletes)
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0])
/** room (the request's path) → its open sockets */
const rooms = new Map()
const ignore = () => {}
const BURN_MS = Number(process.env.RELAY_BURN_US || 0) / 1000
const server = http.createServer((_req, res) => res.end('relay'))
server.on('upgrade', (req, socket, head) => {
  const room = (req.url || '').split('?')[0]
  wss.handleUpgrade(req, socket, head, (ws) => {
    let peers = rooms.get(room)
    if (!peers) rooms.set(room, (peers = new Set()))
    peers.add(ws)
    ws.on('error', ignore)
    ws.on('close', () => {
      peers.delete(ws)
      if (peers.size === 0 && rooms.get(room) === peers) rooms.delete(room)
    })
    ws.on('message', (data) => {
      if (data[0] !== 0) return
      if (data[1] === 0) ws.send(EMPTY_STEP2)
      else if (data[1] === 2) {
        if (BURN_MS > 0) for (const end = performance.now() + BURN_MS; performance.now() < end;);
        for (const p of peers) if (p !== ws && p.readyState === 1) p.send(data)
      }
    })
  })
})
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
