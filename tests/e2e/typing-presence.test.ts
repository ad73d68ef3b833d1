// What the app says of its user to the other members, through awareness: that they are typing, and that
// the chat is on their screen (which spares them a push). Nothing else: an app merely running, which
// syncs a chat in the background as a message comes, says nothing (Sori has no presence, protocol.md).
// The witness is a raw socket of the other member on the chat's documents, which sees every state the
// server relays there.
import { expect, test } from 'vitest'
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import { decodeAwareness } from '../../protocol/frames.ts'
import { Raw } from '../fixtures/attacks.ts'
import { appHarness, friendsWithChat, message, phone, signInInUi } from './helpers.ts'
import { connect, msgs, message as chatMessage, until } from '../fixtures/sync-client.ts'

const app = appHarness()

/** Every state of user `id` the server ever relayed to `r` (a state withdrawn since included). */
const everSaid = (r: Raw, id: string) =>
  r.frames.flatMap((f) =>
    f.type === 'awareness'
      ? decodeAwareness(f.update, Infinity)
          .map((e) => JSON.parse(e.state) as { user?: { id?: string } } | null)
          .filter((s) => s?.user?.id === id)
      : [],
  )

/** The awareness state of user `id` that `r` holds now (undefined: none). */
const stateOf = (r: Raw, id: string) =>
  [...r.awareness().values()]
    .map((e) => e.state as { user?: { id?: string }; viewing?: boolean; typing?: boolean } | null)
    .find((s) => s?.user?.id === id)

test('the app says nothing while it only runs; viewing while the chat is on screen, and typing', async () => {
  const {
    me: ann,
    them: ben,
    chat,
  } = await friendsWithChat(app.server, { handle: 'tp_ann', name: 'Ann' }, { handle: 'tp_ben', name: 'Ben' })
  const ws = app.server.url.replace('http', 'ws')
  const head = await Raw.open(ws, headDoc(chat.id), { token: ann.token })
  const page = await Raw.open(ws, pageDoc(chat.id, 0), { token: ann.token })

  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'tp_ben')
  // Ann writes: Ben's app, on its chat list, syncs the chat and shows the message
  const annPage = await connect(app.server, ann.token, pageDoc(chat.id, 0), { ack: true })
  msgs(annPage).push([chatMessage(ann.user.id, 'Are you there?')])
  await b.page.locator('.chat-row', { hasText: 'Are you there?' }).waitFor()
  // (what it would announce goes out as the chat's documents sync: by the time it shows, it was sent)
  await b.page.waitForTimeout(1500)
  expect(everSaid(head, ben.user.id)).toEqual([])
  expect(everSaid(page, ben.user.id)).toEqual([])

  // the chat on his screen: viewing, on the head
  await b.page.locator('.chat-row', { hasText: 'Are you there?' }).click()
  await message(b.page, 'Are you there?').waitFor()
  await until(() => stateOf(head, ben.user.id)?.viewing === true, "Ben's viewing state")
  // typing, and then not
  await b.page.locator('#composer-text').pressSequentially('Yes')
  await until(() => stateOf(head, ben.user.id)?.typing === true, "Ben's typing state")
  await b.page.locator('.composer__send').click()
  await message(b.page, 'Yes').waitFor()
  await until(() => stateOf(head, ben.user.id)?.typing === false, "Ben's typing over once he sent")
  // back to the list: nothing said any more
  await b.page.getByRole('button', { name: 'Back' }).click()
  await until(() => stateOf(head, ben.user.id) === undefined, "Ben's state gone")
  // and the page was never told anything
  expect(everSaid(page, ben.user.id)).toEqual([])

  annPage.destroy()
  head.close()
  page.close()
  await b.context.close()
})
