// A code's eight digits, for a till whose phone cannot scan the QR code: a signed code is some 150
// characters, which nobody types. The digits stand for the signed code at this channel only, until the code
// expires; redeeming them redeems that code, with every check it has. Guessing is bounded: eight digits
// against the few codes of one channel alive at once, and a channel's wrong guesses lock it out for a while
// as wrong passwords do (auth/throttle.ts).
import { randomInt } from 'node:crypto'
import { isUniqueViolation } from '../api/unique.ts'
import type { Db } from '../db/db.ts'

export const SHORT_CODE_RE = /^[0-9]{8}$/
/** Wrong digits a channel may try in the throttle's window before it waits. */
export const SHORT_CODE_GUESSES = 20

/** The digits as a person reads them out or types them: spaces and dashes between them are ignored. */
export const shortDigits = (raw: string): string | null => {
  const d = raw.replace(/[\s-]/g, '')
  return SHORT_CODE_RE.test(d) ? d : null
}

/** New digits for `code` of a coupon of `channelId`, good until `expires`. */
export async function issueShortCode(db: Db, channelId: string, code: string, expires: number): Promise<string> {
  const now = Date.now()
  await db.run('DELETE FROM coupon_short_codes WHERE expires <= ?', [now])
  for (let attempt = 0; ; attempt++) {
    const short = String(randomInt(0, 100_000_000)).padStart(8, '0')
    try {
      await db.run('INSERT INTO coupon_short_codes (channel_id, short, code, expires) VALUES (?, ?, ?, ?)', [
        channelId,
        short,
        code,
        expires,
      ])
      return short
    } catch (e) {
      // digits alive for another code of this channel: others (a 1 in millions chance, a few times at most)
      if (!isUniqueViolation(e) || attempt >= 5) throw e
    }
  }
}

/** The signed code `short` stands for at `channelId`, or null (unknown, or expired). */
export async function codeOfShort(db: Db, channelId: string, short: string): Promise<string | null> {
  const row = await db.get<{ code: string }>(
    'SELECT code FROM coupon_short_codes WHERE channel_id = ? AND short = ? AND expires > ?',
    [channelId, short, Date.now()],
  )
  return row?.code ?? null
}
