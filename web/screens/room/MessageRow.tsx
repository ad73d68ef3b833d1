// One message, KakaoTalk-style: others on the left (name and avatar on a group's first message), mine
// on the right in yellow; beside the bubble the count of members who have not read it and the time
// (or "waiting" while the server has not acknowledged it); under it, the reactions. The bubble opens the
// message's actions through a button laid over it, so that links in the text stay links of their own.
import type { JSX } from 'preact'
import type { MessageView } from '../../models/index.ts'
import type { Profile } from '../../../protocol/api.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { formatList, formatTime } from '../../i18n/format.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { IconClock } from '../../components/icons.tsx'
import { isolate, neutral, UserText } from '../../components/UserText.tsx'
import type { Reaction, SystemLine } from '../../../protocol/messages.ts'
import { ReactionChips } from './reactions.tsx'
import { useLongPress } from '../../components/long-press.ts'
import { me } from '../../models/index.ts'
import { MediaContent } from './media-lazy.tsx'
import { quotedText } from './quoted.ts'
import { LinkPreview } from './LinkPreview.tsx'
import { LinkCard } from './LinkCard.tsx'

interface Props {
  m: MessageView
  mine: boolean
  first: boolean
  last: boolean
  author: Profile | undefined
  replied: MessageView | undefined
  repliedAuthor: string
  /** the replied-to message is mine: "Reply to you" (or "to yourself"), not my name for myself in the sentence for others */
  repliedMine?: boolean
  onOpen: (m: MessageView) => void
  onReact: (m: MessageView, reaction: Reaction | null) => void
  /** the message a search result pointed at */
  highlight?: boolean
  /** opens a photo full screen */
  onView?: (media: import('../../../protocol/messages.ts').MediaRef) => void
  /** the message is a channel's (in a chat with it): this channel's id, whose photo `author` carries */
  channel?: string
  /** opens the author's profile (a tap on their picture, as in every messenger) */
  onAuthor?: (p: Profile) => void
  /** the chat's members' handles (lower case), marked where a message mentions them */
  handles?: ReadonlySet<string>
}

/**
 * A group's system line, centred in the timeline in the reader's language ("Mina invited Joon"); the
 * names are isolated so that neither can reorder the sentence around it. `lines`: one, or the
 * invitations one person sent together ("Mina invited Joon, Sora and Ji").
 */
export function SystemLineRow({
  lines,
  myId,
  nameOf,
}: {
  lines: readonly SystemLine[]
  myId: string
  nameOf: (id: string) => string
}) {
  const line = lines[0]
  const actor = isolate(nameOf(line.actor))
  // each name as the language calls a person in a sentence (Korean 님, Japanese さん), then as a list
  const target = formatList(
    lines.flatMap((l) => (l.target ? [t('room.system.person', { name: isolate(nameOf(l.target)) })] : [])),
  )
  // what I did reads "You invited …", in each language's own sentence rather than a name swapped for "you"
  const byMe = line.actor === myId
  const text =
    line.event === 'invited'
      ? line.target === myId
        ? t('room.system.invitedYou', { actor })
        : byMe
          ? t('room.system.invitedByMe', { target })
          : t('room.system.invited', { actor, target })
      : line.event === 'removed'
        ? byMe
          ? t('room.system.removedByMe', { target })
          : t('room.system.removed', { actor, target })
        : line.event === 'renamed'
          ? byMe
            ? t('room.system.renamedByMe', { title: isolate(line.title ?? '') })
            : t('room.system.renamed', { actor, title: isolate(line.title ?? '') })
          : line.event === 'joined'
            ? byMe
              ? t('room.system.joinedMe')
              : t('room.system.joined', { actor })
            : line.event === 'photoChanged'
              ? byMe
                ? t('room.system.photoChangedByMe')
                : t('room.system.photoChanged', { actor })
              : line.event === 'photoRemoved'
                ? byMe
                  ? t('room.system.photoRemovedByMe')
                  : t('room.system.photoRemoved', { actor })
                : t('room.system.left', { actor })
  return (
    <div class="day-sep sys-line" role="note" data-sys-id={line.id}>
      <span>{text}</span>
    </div>
  )
}

/** Beside a bubble: how many have not read it, and its time (on a run's last) or the clock while it waits. */
export function Meta({ unread, waiting, ts, last }: { unread: number; waiting: boolean; ts: number; last: boolean }) {
  return (
    <span class="msg__meta">
      {/* nobody can have read what has not left this phone: the count comes once it is sent */}
      {unread > 0 && !waiting && (
        // an image of its number, for a screen reader: a span's own label would not be read
        <span class="msg__unread" role="img" aria-label={t('room.unreadBy', { count: unread })}>
          {unread}
        </span>
      )}
      {waiting ? (
        <span class="msg__waiting" title={t('room.waiting')}>
          <IconClock />
          <span class="visually-hidden">{t('room.waiting')}</span>
        </span>
      ) : (
        last && (
          <time class="msg__time" dateTime={new Date(ts).toISOString()}>
            {formatTime(ts)}
          </time>
        )
      )}
    </span>
  )
}

/** Someone else's picture beside the first bubble of their run (a button to their profile), room kept for it on the others. */
export function SenderPicture({
  first,
  from,
  name,
  author,
  onAuthor,
  channel,
}: {
  first: boolean
  from: string
  name: string
  author: Profile | undefined
  onAuthor?: (p: Profile) => void
  channel?: string
}) {
  return (
    <span class="msg__avatar">
      {first &&
        (author && onAuthor && !channel ? (
          <button type="button" class="msg__avatar-btn" onClick={() => onAuthor(author)} aria-label={neutral(name)}>
            <Avatar id={from} name={name} size={36} photo={author.photo} />
          </button>
        ) : (
          <Avatar id={channel ?? from} name={name} size={36} photo={author?.photo} channel={!!channel} />
        ))}
    </span>
  )
}

/** at most this many characters of a message name its button for a screen reader */
const GIST = 40

/** The first words of a message (its text, or what stands for a photo, file or card), cut to GIST characters. */
export function messageGist(m: Pick<MessageView, 'body' | 'media' | 'link' | 'retracted'>): string {
  if (m.retracted) return t('room.retracted')
  const text = neutral(quotedText(m)).replace(/\s+/g, ' ').trim()
  const chars = Array.from(text)
  if (chars.length <= GIST) return text
  const head = chars.slice(0, GIST - 1).join('')
  return `${head.trimEnd()}…`
}

/**
 * The name of the button over a bubble, which tells messages apart in a screen reader's list of buttons:
 * "Message from Ann: See you at…", "Your message: On my way".
 */
function openLabel(m: MessageView, mine: boolean, name: string): string {
  const text = messageGist(m)
  return mine ? t('room.messageMine', { text }) : t('room.messageFrom', { name: neutral(name), text })
}

export function MessageRow({
  m,
  mine,
  first,
  last,
  author,
  onAuthor,
  replied,
  repliedAuthor,
  repliedMine,
  onOpen,
  onReact,
  highlight,
  onView,
  channel,
  handles,
}: Props) {
  const name = personName(author)
  const waiting = mine && m.state === 'waiting'
  // a photo or card takes the tap: a finger held on it opens the actions (iOS fires no contextmenu)
  const hold = useLongPress(() => onOpen(m))
  const meta = <Meta unread={m.retracted ? 0 : m.unread} waiting={waiting} ts={m.ts} last={last} />
  const body = m.retracted ? (
    <span class="msg__retracted">{t('room.retracted')}</span>
  ) : (
    <>
      {m.replyTo && (
        <span class="msg__quote">
          <span class="msg__quote-name">
            {repliedMine
              ? mine
                ? t('room.replyToSelf')
                : t('room.replyToYou')
              : t('room.replyTo', { name: isolate(repliedAuthor) })}
          </span>
          <span class="msg__quote-text">
            {replied ? replied.retracted ? t('room.retracted') : <UserText text={quotedText(replied)} /> : t('room.olderMessage')}
          </span>
        </span>
      )}
      {m.media && <MediaContent media={m.media} onView={onView ?? (() => {})} />}
      {m.link && <LinkCard link={m.link} />}
      {!m.link && (!m.media || m.body) && (
        <UserText
          class="msg__text"
          text={m.body}
          links
          // a mention of me in someone's message is news to me; the others' are marked as anyone's
          mention={mine ? undefined : me.value?.handle}
          mentions={handles}
        />
      )}
      {!m.media && <LinkPreview text={m.body} />}
      {m.edited && <span class="msg__edited">{t('room.edited')}</span>}
    </>
  )
  return (
    <MessageFrame
      class={`${first ? 'msg--first' : ''} ${last ? 'msg--last' : ''} ${highlight ? 'msg--highlight' : ''} ${m.media && !m.retracted ? 'msg--media' : ''}`}
      msgId={m.id}
      state={mine ? m.state : undefined}
      mine={mine}
      first={first}
      name={name}
      picture={<SenderPicture first={first} from={m.from} name={name} author={author} onAuthor={onAuthor} channel={channel} />}
      meta={meta}
      bubble={
        <div
          class="msg__bubble"
          {...(m.media || m.link ? hold : {})}
          onContextMenu={(e) => {
            // a long press (or right click) opens the actions of a message whose photo or card takes the tap
            if (!m.media && !m.link) return
            e.preventDefault()
            onOpen(m)
          }}
        >
          <button
            type="button"
            class="msg__open"
            onClick={() => onOpen(m)}
            aria-haspopup="dialog"
            aria-label={openLabel(m, mine, name)}
          />
          {!mine && !first ? (
            <span class="visually-hidden">{neutral(name)}: </span>
          ) : mine ? (
            <span class="visually-hidden">{t('room.you')}: </span>
          ) : null}
          {body}
        </div>
      }
      under={<ReactionChips m={m} onReact={(r) => onReact(m, r)} />}
    />
  )
}

/**
 * A message's row, KakaoTalk's layout for any kind of bubble: someone else's picture and name beside and
 * above the first bubble of their run; the count and time beside the bubble, on the side facing the middle.
 */
export function MessageFrame(p: {
  class: string
  msgId: string
  state: string | undefined
  mine: boolean
  first: boolean
  name: string
  picture: JSX.Element
  meta: JSX.Element
  bubble: JSX.Element
  under?: JSX.Element
}) {
  return (
    <div class={`msg ${p.mine ? 'msg--mine' : 'msg--theirs'} ${p.class}`} data-msg-id={p.msgId} data-state={p.state}>
      {!p.mine && p.picture}
      <div class="msg__col">
        {!p.mine && p.first && <UserText class="msg__name" text={p.name} />}
        <div class="msg__line">
          {p.mine && p.meta}
          {p.bubble}
          {!p.mine && p.meta}
        </div>
        {p.under}
      </div>
    </div>
  )
}
