// What a message is called where it is quoted (a reply, the actions sheet, forwarding, sharing out): its
// text; a photo, video, voice note or file without a caption by what it is; a card by its title.
import { linkPreview } from '../../../protocol/link.ts'
import type { ChatMessage, MediaRef } from '../../../protocol/messages.ts'
import { t } from '../../app/t.ts'

export function mediaLabel(media: Pick<MediaRef, 'kind' | 'name'>): string {
  if (media.kind === 'file' && media.name) return media.name
  return t(`media.${media.kind}`)
}

/** The words that stand for message `m` in a quote. */
export function quotedText(m: Pick<ChatMessage, 'body' | 'media' | 'link'>): string {
  if (m.link) return linkPreview(m.link.template)
  return m.body || (m.media ? mediaLabel(m.media) : '')
}
