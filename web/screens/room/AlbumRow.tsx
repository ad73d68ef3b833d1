// Photos one person sent together (rows.ts), as one bubble holding a grid: beside it one count of who has
// not read them and one time, as KakaoTalk shows a bundle of photos. Each photo is still its own message: a
// tap opens it full screen among the chat's photos, a long press (or right click) its own actions.
import type { MessageView } from '../../models/index.ts'
import type { MediaRef } from '../../../protocol/messages.ts'
import type { Profile } from '../../../protocol/api.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { neutral } from '../../components/UserText.tsx'
import { AlbumGrid } from './media-lazy.tsx'
import { MessageFrame, Meta, SenderPicture } from './MessageRow.tsx'

interface Props {
  ms: readonly MessageView[]
  mine: boolean
  first: boolean
  last: boolean
  author: Profile | undefined
  onOpen: (m: MessageView) => void
  onView: (media: MediaRef) => void
  channel?: string
  onAuthor?: (p: Profile) => void
}

export function AlbumRow({ ms, mine, first, last, author, onOpen, onView, channel, onAuthor }: Props) {
  const name = personName(author)
  const newest = ms[ms.length - 1]
  const waiting = mine && ms.some((m) => m.state === 'waiting')
  // a later photo is read by no more people than an earlier one: the largest count is the newest's
  const unread = Math.max(...ms.map((m) => m.unread))
  const meta = <Meta unread={unread} waiting={waiting} ts={newest.ts} last={last} />
  return (
    <MessageFrame
      class={`${first ? 'msg--first' : ''} ${last ? 'msg--last' : ''} msg--media msg--album`}
      msgId={ms[0].id}
      state={mine ? (waiting ? 'waiting' : 'sent') : undefined}
      mine={mine}
      first={first}
      name={name}
      picture={
        <SenderPicture first={first} from={newest.from} name={name} author={author} onAuthor={onAuthor} channel={channel} />
      }
      meta={meta}
      bubble={
        <div
          class="msg__bubble"
          role="group"
          aria-label={`${mine ? t('room.you') : neutral(name)}: ${t('room.album', { count: ms.length })}`}
        >
          <AlbumGrid items={ms.map((m) => ({ msgId: m.id, media: m.media! }))} onView={onView} onActions={(i) => onOpen(ms[i])} />
        </div>
      }
    />
  )
}
