// The push sender never opens a socket into the server's own network: an https endpoint whose name
// resolves to a loopback (or private) address is refused when the request is made, whatever the name
// looked like when it was registered; an IPv4 address outside the IPv4 ranges (a push service's) goes.
import { createECDH, randomBytes } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { BLOCKED_V4 } from '../../server/http/public-address.ts'
import { startSender, type PushSender } from '../../server/push/send.ts'

const sender = startSender()
afterAll(() => sender.close())

/** A push to `localhost`: a name, not an address literal, so that only its lookup shows where it leads. */
function toLocalhost(s: PushSender) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return s.send(
    {
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
}

it('refuses an https endpoint whose name resolves to a loopback address, before connecting', async () => {
  const answer = await toLocalhost(sender)
  expect(answer.status).toBe(0)
  expect(answer.error).toMatch(/resolves to a private address/)
})

it('lets an IPv4 address through that no IPv4 range holds, whatever the IPv6 ranges say of mapped addresses', async () => {
  // loopback left out of the IPv4 ranges, only the mapped ::ffff:0:0/96 among the IPv6 ones: 127.0.0.1 is
  // then as good as a push service's public address, and the push goes out (to a closed port)
  const narrowed = startSender({ v4: BLOCKED_V4.filter(([a]) => a !== '127.0.0.0'), v6: [['::ffff:0:0', 96]] })
  try {
    const answer = await toLocalhost(narrowed)
    expect(answer.status).toBe(0)
    expect(answer.error).toMatch(/ECONNREFUSED/)
  } finally {
    await narrowed.close()
  }
})
