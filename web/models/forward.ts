// Forwarding: a message goes to another chat as a new message of the one who forwards it, written like
// any message of that chat (append.ts). A photo, video, voice note or file needs the server first: its
// blob belongs to the chat it was sent to, so the server makes it a blob of mine in the other chat
// (POST /api/blobs/:id/forward, docs/protocol.md "Forwarding media"), and the message names that one.
// A Sori Link card needs a share ticket of mine: the server gives one for a card of a chat I am in
// (POST /api/share/tickets/forward), so that the card stays the app's and no one else's.
import type { BlobInfo } from '../../protocol/api.ts'
import type { LinkPayload, ShareTicket } from '../../protocol/link.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import { api } from '../account/api.ts'
import { appendToChat } from './append.ts'

/**
 * Writes `body` (and `media`, made the other chat's; or the card `link` of chat `from`) into chat
 * `convId` as a new message of mine.
 */
export async function forward(
  convId: string,
  body: string,
  media?: MediaRef,
  link?: { from: string; card: LinkPayload },
): Promise<void> {
  if (link) {
    const t = await api<ShareTicket>('POST', '/api/share/tickets/forward', { ticket: link.card.ticket, convId: link.from })
    const card: LinkPayload = {
      ticket: t.id,
      app: t.app,
      template: t.template,
      ...(t.templateId ? { templateId: t.templateId } : {}),
    }
    await appendToChat(convId, { kind: 'link', body: '', link: card })
  } else if (media) {
    const copy = await api<BlobInfo>('POST', `/api/blobs/${encodeURIComponent(media.id)}/forward`, { conv: convId })
    // the media cache's code is the media view's, loaded by then
    await import('../media/blob-url.ts').then((c) => c.keepForwarded(media.id, copy.id)).catch(() => {})
    // the same bytes: what the message says of them (placeholder, length) stays true
    await appendToChat(convId, { kind: 'media', body, media: { ...media, id: copy.id } })
  } else if (body) await appendToChat(convId, { kind: 'text', body })
}
