// What a chat list's row says of a chat's latest message: its text, what it is when it has none (a photo
// without a caption, or "3 photos" for an album, as KakaoTalk says it), or that its author deleted it. The
// inbox and a channel's chats list both say so.
import type { MediaKind } from '../../protocol/api.ts'
import { t } from '../app/t.ts'
import { isolate } from './UserText.tsx'

export const latestLine = (m: { preview: string; media?: MediaKind; retracted?: true; photos?: number }): string =>
  m.retracted
    ? t('room.retracted')
    : m.preview
      ? isolate(m.preview)
      : m.media === 'photo' && m.photos
        ? t('room.album', { count: m.photos })
        : m.media
          ? t(`media.${m.media}`)
          : ''
