// The push sender never opens a socket into the server's own network: an https endpoint whose name
// resolves to a loopback (or private) address is refused when the request is made, whatever the name
// looked like when it was registered.
import { createECDH, randomBytes } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { startSender } from '../../server/push/send.ts'

const sender = startSender()
afterAll(() => sender.close())

it('refuses an https endpoint whose name resolves to a loopback address, before connecting', async () => {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const answer = await sender.send(
    {
      // `localhost` is a name, not an address literal: only its lookup shows where it leads
      endpoint: 'https://localhost:9/push/x',
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
      payload: '{"v":1}',
      ttlSeconds: 60,
      urgency: 'normal',
      topic: 'abc',
      authorization: 'vapid t=x, k=y',
    },
    5000,
  )
  expect(answer.status).toBe(0)
  expect(answer.error).toMatch(/resolves to a private address/)
})
