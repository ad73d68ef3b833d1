// What a committed link message changes beyond its page, written in the commit's own transaction (the
// chats' commit participant, server/chats/effects.ts, calls this): the chat its ticket went to, and the
// app's webhook call, due now, when the app has a webhook (the casts tell Postgres the parameters' types).
import type { Tx } from '../db/db.ts'

export interface LinkUse {
  ticket: string
  convId: string
  chatType: 'direct' | 'group'
  messageId: string
  /** when the message was committed, ms */
  ts: number
}

export function writeLinkUses(q: Tx, uses: readonly LinkUse[]): void {
  for (const u of uses) {
    q.queue('INSERT INTO share_ticket_chats (ticket_id, conv_id) VALUES (?, ?) ON CONFLICT (ticket_id, conv_id) DO NOTHING', [
      u.ticket,
      u.convId,
    ])
    q.queue(
      `INSERT INTO link_deliveries (app_id, template_id, args, chat_type, conv_id, message_id, ts, state, attempts, due, claimed)
       SELECT t.app_id, t.template_id, t.args, ?, ?, ?, CAST(? AS BIGINT), 'pending', 0, CAST(? AS BIGINT), 0
       FROM share_tickets t JOIN apps a ON a.id = t.app_id
       WHERE t.id = ? AND a.webhook_url <> '' AND a.disabled = 0`,
      [u.chatType, u.convId, u.messageId, u.ts, u.ts, u.ticket],
    )
  }
}
