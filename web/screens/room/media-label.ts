// What a photo, video, voice note or file is called where its caption would be quoted.
import type { MediaRef } from '../../../protocol/messages.ts'
import { t } from '../../app/t.ts'

export function mediaLabel(media: Pick<MediaRef, 'kind' | 'name'>): string {
  if (media.kind === 'file' && media.name) return media.name
  return t(`media.${media.kind}`)
}
