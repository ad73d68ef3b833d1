// The delivery callback (docs/protocol.md, "Sori Link"): a committed link message queued a row of
// `link_deliveries` in its own transaction (uses.ts); every tick, each process looks for due rows and
// claims each with a conditional UPDATE (pending → sending), so that with several processes on one
// database a call is made by one of them. The call is a POST of JSON signed with the app's secret, sent
// only to an address on the internet (SORI_LINK_PRIVATE lets tests use their own), without cookies or
// anything of the user, within WEBHOOK_TIMEOUT_MS; a network error, 429 or 5xx is tried again after the
// next of RETRY_MS, and anything else ends it. A claim whose process died is due again after
// STALE_CLAIM_MS.
import { createHmac } from 'node:crypto'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Db } from '../db/db.ts'
import { PrivateAddressError, isPrivateHostLiteral, pinnedLookup, publicAddresses } from '../http/public-address.ts'
import { logger } from '../log.ts'
import { webhookAllowsPrivate } from './input.ts'
import { loadChatHasher, type ChatHasher } from './keys.ts'
import { dropExpiredTickets } from './tickets.ts'
import { Ticker } from '../jobs/ticker.ts'

const log = logger('apps')

export const WEBHOOK_TIMEOUT_MS = 5_000
/** waits before the 2nd to the 6th attempt; after the 6th, it is given up */
export const RETRY_MS = [1_000, 5_000, 30_000, 120_000, 600_000]
export const STALE_CLAIM_MS = 5 * 60_000
/** due calls one tick takes, at most (they are made at once) */
const TICK_BATCH = 32
/** how long a call given up stays in the table (for an operator who looks) */
const FAILED_KEPT_MS = 7 * 24 * 3_600_000
/** how often expired tickets and old given-up calls are forgotten, at most */
const SWEEP_MS = 3_600_000

interface DeliveryRow {
  id: number | string
  app_id: string
  template_id: string
  args: string
  chat_type: string
  conv_id: string
  message_id: string
  ts: number | string
  attempts: number | string
}

/** What the app's webhook receives: nothing of the chat's members or of the sender. */
export interface WebhookBody {
  appId: string
  templateId?: string
  args?: Record<string, string>
  chatType: 'direct' | 'group'
  chatId: string
  messageId: string
  ts: number
}

/** The Sori-Signature header of `body` sent at `t` (unix seconds). */
export const signature = (secret: string, t: number, body: string): string =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`

type Outcome = 'done' | 'retry' | { failed: string }

/** Makes the webhook calls that are due, a tick at a time (start, stop, tick: Ticker). */
export class LinkDeliveries extends Ticker {
  private hasher: Promise<ChatHasher> | null = null
  private sweptAt = 0

  constructor(
    private db: Db,
    tickMs: number,
  ) {
    super(tickMs)
  }

  private chatHash(): Promise<ChatHasher> {
    return (this.hasher ??= loadChatHasher(this.db).catch((e: unknown) => {
      this.hasher = null
      throw e
    }))
  }

  protected async run(now: number): Promise<void> {
    const { db } = this
    try {
      if (now - this.sweptAt >= SWEEP_MS) {
        this.sweptAt = now
        await dropExpiredTickets(db, now)
        await db.run("DELETE FROM link_deliveries WHERE state = 'failed' AND due < ?", [now - FAILED_KEPT_MS])
      }
      await db.run("UPDATE link_deliveries SET state = 'pending' WHERE state = 'sending' AND claimed < ?", [now - STALE_CLAIM_MS])
      const due = await db.all<DeliveryRow>(
        `SELECT id, app_id, template_id, args, chat_type, conv_id, message_id, ts, attempts FROM link_deliveries
         WHERE state = 'pending' AND due <= ? ORDER BY due LIMIT ${TICK_BATCH}`,
        [now],
      )
      const claimed: DeliveryRow[] = []
      for (const row of due) {
        if (this.stopped) break
        const claim = await db.run(
          "UPDATE link_deliveries SET state = 'sending', claimed = ? WHERE id = ? AND state = 'pending'",
          [Date.now(), row.id],
        )
        if (claim.changes === 1) claimed.push(row)
      }
      if (claimed.length === 0) return
      const hash = await this.chatHash()
      await Promise.all(claimed.map((row) => this.deliver(row, hash)))
    } catch (e) {
      log.error('delivering link webhooks failed', e)
    }
  }

  private async deliver(row: DeliveryRow, hash: ChatHasher): Promise<void> {
    const { db } = this
    const attempts = Number(row.attempts) + 1
    let outcome: Outcome
    try {
      const app = await db.get<{ webhook_url: string; secret: string; disabled: number | string }>(
        'SELECT webhook_url, secret, disabled FROM apps WHERE id = ?',
        [row.app_id],
      )
      if (!app || !app.webhook_url || Number(app.disabled) !== 0) outcome = { failed: 'the app has no webhook any more' }
      else {
        const body: WebhookBody = {
          appId: row.app_id,
          chatType: row.chat_type === 'group' ? 'group' : 'direct',
          chatId: hash(row.app_id, row.conv_id),
          messageId: row.message_id,
          ts: Number(row.ts),
        }
        if (row.template_id) body.templateId = row.template_id
        if (row.args) body.args = JSON.parse(row.args) as Record<string, string>
        outcome = await post(app.webhook_url, app.secret, JSON.stringify(body))
      }
    } catch (e) {
      outcome = { failed: e instanceof Error ? e.message : String(e) }
    }
    try {
      if (outcome === 'done') await db.run('DELETE FROM link_deliveries WHERE id = ?', [row.id])
      else if (outcome === 'retry' && attempts <= RETRY_MS.length)
        await db.run("UPDATE link_deliveries SET state = 'pending', attempts = ?, due = ? WHERE id = ?", [
          attempts,
          Date.now() + RETRY_MS[attempts - 1],
          row.id,
        ])
      else
        await db.run("UPDATE link_deliveries SET state = 'failed', attempts = ?, error = ? WHERE id = ?", [
          attempts,
          (outcome === 'retry' ? 'no answer after every retry' : outcome.failed).slice(0, 300),
          row.id,
        ])
    } catch (e) {
      // the claim goes stale and the call is made again: an app may get a call twice, never none
      log.error('recording a link webhook call failed', e, { delivery: String(row.id) })
    }
  }
}

/** One POST to the webhook, to a checked address only; its outcome. */
async function post(raw: string, secret: string, body: string): Promise<Outcome> {
  const url = new URL(raw)
  const https = url.protocol === 'https:'
  let lookup: ReturnType<typeof pinnedLookup> | undefined
  if (!webhookAllowsPrivate(url)) {
    if (isPrivateHostLiteral(url.hostname)) return { failed: `${url.hostname} is not on the internet` }
    try {
      lookup = pinnedLookup(await publicAddresses(url.hostname))
    } catch (e) {
      if (e instanceof PrivateAddressError) return { failed: e.message }
      // the name did not resolve: maybe later
      return 'retry'
    }
  }
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'Sori-Signature': signature(secret, Math.floor(Date.now() / 1000), body),
    'User-Agent': 'SoriLink/1.0 (+webhook)',
  }
  return new Promise<Outcome>((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers, lookup, timeout: WEBHOOK_TIMEOUT_MS, agent: false },
      (res: IncomingMessage) => {
        res.resume()
        const s = res.statusCode ?? 0
        resolve(s >= 200 && s < 300 ? 'done' : s === 429 || s >= 500 ? 'retry' : { failed: `the webhook answered ${s}` })
      },
    )
    const deadline = setTimeout(() => req.destroy(new Error('timed out')), WEBHOOK_TIMEOUT_MS)
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', () => resolve('retry'))
    req.on('close', () => clearTimeout(deadline))
    req.end(body)
  })
}
