// How a person is called on screen. A deleted account keeps its messages but has the name '' (no live
// account can have it, docs/protocol.md); someone a chat does not know at all is "Someone".
import type { Profile } from '../../protocol/api.ts'
import { t } from './t.ts'

export const personName = (p: Pick<Profile, 'name'> | undefined): string =>
  p === undefined ? t('room.someone') : p.name || t('app.deletedAccount')
