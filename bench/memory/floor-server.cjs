// The floor: what holding WebSockets costs a Node process with nothing else. Plain http + ws@8 (the
// version Sori and the stock server use, with Sori's options: no compression, no client tracking), every
// socket kept open; a sync step 1 is answered with an empty sync step 2 so that the benchmark's clients
// count as synced. No documents, no storage, no awareness, no timers.
'use strict'
const http = require('node:http')
const { WebSocketServer } = require('ws')

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false })
// y-protocols: messageSync (0), syncStep2 (1), an empty update (2 bytes: no structs, no deletes)
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0])
const ignore = () => {}
const server = http.createServer((_req, res) => res.end('floor'))
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', ignore)
    ws.on('message', (data) => {
      if (data[0] === 0 && data[1] === 0) ws.send(EMPTY_STEP2)
    })
  })
})
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
