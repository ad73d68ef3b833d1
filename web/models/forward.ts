// Forwarding: a message goes to another chat as a new message of the one who forwards it, written like
// any message of that chat (append.ts). A photo or file goes as its caption only for now: its blob
// belongs to the chat it was sent to (docs/protocol.md, "Media messages").
import { appendToChat } from './append.ts'

/** Writes `body` into chat `convId` as a new message of mine. */
export async function forward(convId: string, body: string): Promise<void> {
  if (body) await appendToChat(convId, { kind: 'text', body })
}
