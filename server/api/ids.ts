// Server-made ids for users and conversations: 12 of [a-z0-9] (ENTITY_ID_RE), from crypto random.
import { randomBytes } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

export function newId(): string {
  let id = ''
  while (id.length < 12) {
    for (const b of randomBytes(16)) {
      // 252 = 7 * 36: bytes above it would make some characters likelier than others
      if (b < 252 && id.length < 12) id += ALPHABET[b % 36]
    }
  }
  return id
}
