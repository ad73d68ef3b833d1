// A chat room: the virtualized message list, typing indicator, composer, and the members sheet; or,
// for the address of a chat that does not exist or is not mine, one screen that says so.
import type { ComponentChildren } from 'preact'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { me } from '../../models/index.ts'
import { outgoing, queueText, removeOutgoing, sendFiles, sendVoice, waitsInOutbox } from '../../models/media-outbox.ts'
import { WaitingText } from './WaitingText.tsx'
import { onHeadReset, openConversation, withAuthors, type Conversation, type MessageView } from '../../models/room.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { back, go } from '../../app/router.ts'
import { formatList, formatLongDate } from '../../i18n/format.ts'
import { VirtualList } from '../../components/VirtualList.tsx'
import { IconBack, IconDown, IconMenu } from '../../components/icons.tsx'
import { useArrivedBelow } from './arrived-below.ts'
import { isolate, UserText } from '../../components/UserText.tsx'
import { outRows, toRows, UNREAD_KEY, withUnreadLine, type Row } from './rows.ts'
import { MessageRow, SystemLineRow } from './MessageRow.tsx'
import { AlbumRow } from './AlbumRow.tsx'
import { Composer, type Mode } from './Composer.tsx'
import { MembersSheet } from './MembersSheet.tsx'
import { MessageActions } from './MessageActions.tsx'
import { useAlreadySent } from './already-sent.ts'
import { ForwardSheet } from './ForwardSheet.tsx'
import { StrangerBanner } from './StrangerBanner.tsx'
import { useRoomChat } from './chat.ts'
import { useChannelBlocked } from './channel-block.ts'
import { useAnnouncement, useMarkRead } from './reading.ts'
import { useJumpTarget, useOlderPages } from './older.ts'
import { dropBootPaint, useRoomSnapshot } from './snapshot.ts'
import { GalleryGrid, MediaViewer, OutgoingAlbum, OutgoingContent } from './media-lazy.tsx'
import { Sheet } from '../../components/Sheet.tsx'
import { chatMedia, newestFirst, type GalleryItem } from '../../models/gallery.ts'
import { deletedHere, deleteHere, hereKey } from '../../models/deleted-here.ts'
import type { MediaRef } from '../../../protocol/messages.ts'
import type { Profile } from '../../../protocol/api.ts'
import { ProfileSheet } from '../profile/ProfileSheet.tsx'
import { jumpTarget } from '../../search/jump.ts'

/** The chat, open while the room is (opened again when its head is set aside for the server's copy). */
function useConversation(convId: string): Conversation {
  const [opened, setOpened] = useState(0)
  useEffect(() => onHeadReset(convId, () => setOpened((n) => n + 1)), [convId])
  // `opened` only says when to open it again
  const conv = useMemo(() => openConversation(convId), [convId, opened])
  useEffect(() => () => conv.close(), [conv])
  return conv
}

export default function Room({ convId }: { convId: string }) {
  const conv = useConversation(convId)
  const myId = me.value?.id ?? ''
  const messages = conv.messages.value
  const newest = messages[messages.length - 1]
  const { chat, members: current, title, memberCount, lost, known, peerDeleted, channel } = useRoomChat(convId, messages, myId)
  /** the other person of a 1:1 chat, while they are not among my friends (StrangerBanner) */
  const mentionable = useMemo(
    () => (chat?.kind === 'group' && !lost ? chat.members.filter((p) => p.id !== myId && p.handle) : undefined),
    [chat, lost, myId],
  )
  const stranger = chat?.kind === 'direct' && !lost && !peerDeleted ? chat.members.find((p) => p.id !== myId) : undefined
  const blockedChannel = useChannelBlocked(channel && channel.user === myId ? channel.id : null)
  // whoever left keeps their name and avatar on what they wrote
  const members = withAuthors(current, conv.authors.value)
  // in a chat with a channel, whoever answers for it is the channel: its name and photo, never their own
  const asChannel = (id: string) => !!channel && id !== channel.user
  if (channel)
    for (const m of messages)
      if (asChannel(m.from) && !members.has(m.from))
        members.set(m.from, { id: channel.id, handle: '', name: channel.name, status: '', photo: channel.photo })
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages])
  // the members' handles, marked where messages mention them (mine is marked apart: a mention of me)
  const handles = new Set<string>()
  for (const p of members.values()) if (p.handle && p.id !== myId) handles.add(p.handle.toLowerCase())
  const newFrom = conv.newFrom.value
  const newKey = newFrom ? `${newFrom.page}:${newFrom.id}` : null
  const sent = useMemo(() => toRows(messages, newKey, myId), [messages, newKey, myId])
  const waiting = outRows(outgoing.value, convId, byId)
  const rows = useMemo(
    () => withUnreadLine(waiting.length ? [...sent, ...waiting] : sent, newKey),
    [sent, waiting.map((r) => r.key).join(), outgoing.value, newKey],
  )
  useMarkRead(conv, newest)
  const announce = useAnnouncement(newest, myId, members)
  const older = useOlderPages(conv, messages)
  const jump = useJumpTarget(convId, conv, messages, byId, older)
  const { highlight } = jump
  const [showJump, setShowJump] = useState(false)
  const arrived = useArrivedBelow(messages, myId, showJump)
  const toNew = useNewMessagesScroll(rows, convId, showJump)
  // whichever was asked for last
  const scrollTo = toNew && (!jump.scrollTo || toNew.nonce > jump.scrollTo.nonce) ? toNew : jump.scrollTo
  useRoomSnapshot(myId, convId, messages.length > 0, known && !older.hasOlder, rows)

  const [mode, setMode] = useState<Mode>({ kind: 'new' })
  const [actions, setActions] = useState<MessageView | null>(null)
  const [forwarding, setForwarding] = useState<MessageView | null>(null)
  /** where the last forward went, said for a few seconds */
  const [forwarded, setForwarded] = useState<string | null>(null)
  useEffect(() => {
    if (forwarded === null) return
    const timer = setTimeout(() => setForwarded(null), 4000)
    return () => clearTimeout(timer)
  }, [forwarded])
  const alreadySent = useAlreadySent(convId)
  const [details, setDetails] = useState(false)
  const [sentTick, setSentTick] = useState(0)
  const [viewing, setViewing] = useState<{ items: MediaRef[]; start: number } | null>(null)
  /** whose profile is open, from a tap on their picture */
  const [profile, setProfile] = useState<Profile | null>(null)
  const [gallery, setGallery] = useState<MediaRef[] | null>(null)

  /** the photos and videos among the messages on screen (the local index may not hold them yet) */
  const shownMedia = (): GalleryItem[] => {
    const shown: GalleryItem[] = []
    for (const m of messages)
      if (!m.retracted && (m.media?.kind === 'photo' || m.media?.kind === 'video'))
        shown.push({ msgId: m.id, from: m.from, ts: m.ts, media: m.media, page: m.page, index: m.index })
    return shown
  }
  /** without what was deleted on this device */
  const notDeleted = (items: readonly GalleryItem[]): MediaRef[] => {
    const gone = deletedHere.peek()
    return items.filter((g) => !gone.has(hereKey(convId, g.page, g.msgId))).map((g) => g.media)
  }
  /** the chat's photos and videos, newest first: the local index's and those on screen; on screen only if the index fails */
  const allMedia = async (shown = shownMedia()): Promise<MediaRef[]> =>
    notDeleted(await chatMedia(convId, shown).catch(() => newestFirst([...shown])))
  /** full screen among the chat's photos and videos, oldest first */
  async function view(media: MediaRef) {
    const all = (await allMedia()).reverse()
    const at = all.findIndex((m) => m.id === media.id)
    setViewing(at < 0 ? { items: [media], start: 0 } : { items: all, start: at })
  }
  /**
   * The details sheet gives way to the gallery in one render (the gallery takes over its Back entry, where a
   * step back still under way could close the gallery); it opens on what is on screen, and the older ones the
   * index holds follow.
   */
  function openGallery() {
    const shown = shownMedia()
    const opened = notDeleted(newestFirst([...shown]))
    setDetails(false)
    setGallery(opened)
    void allMedia(shown).then((all) => setGallery((g) => (g === opened ? all : g)))
  }
  const [dragging, setDragging] = useState(false)

  function attach(files: File[]) {
    if (files.length === 0 || lost || peerDeleted) return
    void sendFiles(convId, files)
    setSentTick((n) => n + 1)
  }

  function send(text: string) {
    const replyTo = mode.kind === 'reply' ? mode.id : undefined
    if (mode.kind === 'edit') conv.edit(mode, text)
    // behind a photo still on its way: it waits its turn, so that the others get them in this order
    else if (waitsInOutbox(convId)) void queueText(convId, text, replyTo)
    else conv.send(text, replyTo)
    if (mode.kind !== 'edit') setSentTick((n) => n + 1)
    setMode({ kind: 'new' })
  }

  const typingNames = conv.typing.value
    .filter((id) => id !== myId)
    .map((id) => isolate(channel && asChannel(id) ? channel.name : personName(members.get(id))))
  const nameOf = (id: string) => (id === myId ? t('room.you') : personName(members.get(id)))

  // nothing of it here and no access to it: one clear state, not an empty room that says three things
  if (lost && conv.settled.value && messages.length === 0 && !older.hasOlder) return <Unavailable />

  const renderRow = (r: Row) => {
    if (r.kind === 'unread')
      return (
        <div class="new-sep" role="separator">
          <span>{t('room.newMessages')}</span>
        </div>
      )
    if (r.kind === 'day')
      return (
        <div class="day-sep">
          <span>{formatLongDate(r.ts)}</span>
        </div>
      )
    if (r.kind === 'out' && r.v.kind === 'text') return <WaitingText v={r.v} onRemove={() => void removeOutgoing(r.v.msgId)} />
    if (r.kind === 'outAlbum')
      return (
        <OutgoingBubble id={r.vs[0].msgId} album label={`${t('room.you')}: ${t('room.album', { count: r.vs.length })}`}>
          <OutgoingAlbum vs={r.vs} onRemove={(id) => void removeOutgoing(id)} />
        </OutgoingBubble>
      )
    if (r.kind === 'out')
      return (
        <OutgoingBubble id={r.v.msgId}>
          <OutgoingContent v={r.v} onRemove={() => void removeOutgoing(r.v.msgId)} />
        </OutgoingBubble>
      )
    if (r.kind === 'album')
      return (
        <AlbumRow
          ms={r.ms}
          mine={r.ms[0].from === myId}
          first={r.first}
          last={r.last}
          author={members.get(r.ms[0].from)}
          channel={channel && asChannel(r.ms[0].from) ? channel.id : undefined}
          onOpen={setActions}
          onView={(media) => void view(media)}
          onAuthor={setProfile}
        />
      )
    if (r.m.system)
      return <SystemLineRow lines={r.invitedToo ?? [r.m.system]} myId={myId} nameOf={(id) => personName(members.get(id))} />
    const replied = r.m.replyTo ? byId.get(r.m.replyTo) : undefined
    return (
      <MessageRow
        highlight={r.m.id === highlight}
        m={r.m}
        mine={r.m.from === myId}
        first={r.first}
        last={r.last}
        author={members.get(r.m.from)}
        channel={channel && asChannel(r.m.from) ? channel.id : undefined}
        replied={replied}
        repliedAuthor={replied ? nameOf(replied.from) : t('room.someone')}
        repliedMine={replied?.from === myId}
        onOpen={setActions}
        onReact={(m, r) => conv.react(m, r)}
        onView={(media) => void view(media)}
        onAuthor={setProfile}
        handles={handles}
      />
    )
  }

  return (
    <section
      class={`room ${dragging ? 'room--drop' : ''}`}
      aria-labelledby="room-title"
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false)
      }}
      onDrop={(e) => {
        if (!e.dataTransfer?.files.length) return
        e.preventDefault()
        setDragging(false)
        attach([...e.dataTransfer.files])
      }}
    >
      <header class="topbar topbar--room">
        <button class="icon-btn" onClick={() => back()} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="room-title">
          <UserText class="topbar__text" text={title} />
          {/* (no count for a group I am no longer in: it is not mine to know) */}
          {chat?.kind === 'group' && !lost && (
            <span class="topbar__count" aria-label={t('chats.members', { count: memberCount })}>
              {memberCount}
            </span>
          )}
        </h1>
        {/* a chat with a channel has no members to list nor photos of a group: no details to open */}
        {chat?.kind !== 'channel' && (
          <button class="icon-btn" onClick={() => setDetails(true)} aria-label={t('room.details')} disabled={!chat}>
            <IconMenu />
          </button>
        )}
      </header>

      {stranger && <StrangerBanner person={stranger} />}
      {rows.length === 0 ? (
        <p class="room__empty">{older.hasOlder || !known ? t('app.loading') : t('room.empty')}</p>
      ) : (
        <VirtualList
          items={rows}
          itemKey={(r) => r.key}
          render={renderRow}
          estimate={52}
          label={t('room.messages')}
          class="room__list"
          onNearTop={older.load}
          bottomSignal={sentTick}
          scrollTo={scrollTo}
          recheck={older.loaded}
          canAnchor={(r) => r.kind === 'msg' || r.kind === 'album'}
          onAtBottom={(b) => setShowJump(!b)}
        />
      )}
      {showJump && messages.length > 0 && (
        // a round arrow, as small as a thumb's target: a wide pill hid the read counts beside the bubbles under it
        <button
          class="jump"
          aria-label={arrived ? t('room.jumpToLatestNew', { count: arrived }) : t('room.jumpToLatest')}
          title={t('room.jumpToLatest')}
          onClick={() => setSentTick((n) => n + 1)}
        >
          <IconDown />
          {arrived > 0 && (
            <span class="jump__count" aria-hidden="true">
              {arrived > 99 ? '99+' : arrived}
            </span>
          )}
        </button>
      )}

      <div class="typing" aria-live="polite">
        {typingNames.length > 0
          ? t('room.typing', {
              // each name as the language calls a person ("민지님", "ミンジさん"), as the system lines do
              names: formatList(typingNames.map((name) => t('room.system.person', { name }))),
              count: typingNames.length,
            })
          : ''}
      </div>
      <div class="visually-hidden" aria-live="polite">
        {announce}
      </div>

      {channel && !lost && (
        <p class="room__note muted" role="note">
          {blockedChannel
            ? t('channelChat.blockedNote', { channel: isolate(channel.name) })
            : channel.user === myId
              ? t('channelChat.userNote', { channel: isolate(channel.name) })
              : t('channelChat.adminNote', { channel: isolate(channel.name) })}
        </p>
      )}
      {forwarded !== null && (
        <p class="room__note room__done" role="status">
          {t('room.forwarded', { name: isolate(forwarded) })}
        </p>
      )}
      {alreadySent && (
        <p class="room__note" role="status">
          {t('room.alreadySent')}
        </p>
      )}
      {(lost || peerDeleted) && (
        <p class="room__lost" role="status">
          {lost ? t('room.lost') : t('room.peerDeleted')}
        </p>
      )}
      <Composer
        disabled={lost || peerDeleted || blockedChannel}
        mentionable={mentionable}
        mode={mode}
        onCancelMode={() => setMode({ kind: 'new' })}
        onSend={send}
        onTyping={(on) => conv.setTyping(on)}
        onFiles={attach}
        onVoice={(blob, dur) => {
          void sendVoice(convId, blob, dur)
          setSentTick((n) => n + 1)
        }}
      />
      {/* kept under the viewer it opened: closing the viewer (or Back) goes back to it */}
      {gallery && (
        <Sheet title={t('media.gallery')} onClose={() => setGallery(null)}>
          <GalleryGrid
            items={gallery}
            onOpen={(i) => setViewing({ items: [...gallery].reverse(), start: gallery.length - 1 - i })}
          />
        </Sheet>
      )}
      {viewing && <MediaViewer items={viewing.items} start={viewing.start} onClose={() => setViewing(null)} />}
      {profile && <ProfileSheet person={profile} onClose={() => setProfile(null)} />}

      {actions && (
        <MessageActions
          m={actions}
          mine={actions.from === myId}
          author={nameOf(actions.from)}
          onMode={setMode}
          onRetract={() => conv.retract(actions)}
          onWithdraw={conv.canWithdraw(actions) ? () => conv.withdraw(actions) : null}
          onDeleteHere={() => deleteHere(convId, actions.page, actions.id)}
          onReact={(r) => conv.react(actions, r)}
          onForward={() => setForwarding(actions)}
          onClose={() => setActions(null)}
        />
      )}
      {forwarding && (
        <ForwardSheet
          m={forwarding}
          convId={convId}
          onClose={() => setForwarding(null)}
          onSent={(to) => {
            setForwarding(null)
            setForwarded(to)
          }}
        />
      )}
      {details && chat && <MembersSheet chat={chat} title={title} onClose={() => setDetails(false)} onGallery={openGallery} />}
    </section>
  )
}

/**
 * Opens the list at the "new messages" line, once, when it first shows (with the messages the server
 * brings on opening, it can come a moment after the room): unless a search result is being opened, or
 * the reader has scrolled up by then.
 */
function useNewMessagesScroll(rows: Row[], convId: string, scrolledUp: boolean) {
  const [to, setTo] = useState<{ key: string; nonce: number; top: boolean } | null>(null)
  const done = useRef(false)
  const shown = rows.some((r) => r.key === UNREAD_KEY)
  useEffect(() => {
    if (done.current || !shown) return
    done.current = true
    if (scrolledUp || jumpTarget.peek()?.conv === convId) return
    setTo({ key: UNREAD_KEY, nonce: Date.now(), top: true })
  }, [shown])
  return to
}

/** What the outbox holds, as my bubble after the chat's messages: a file, or photos picked together (`album`). */
function OutgoingBubble({
  id,
  album,
  label,
  children,
}: {
  id: string
  album?: boolean
  label?: string
  children: ComponentChildren
}) {
  return (
    <div class={`msg msg--mine msg--first msg--last msg--media msg--out ${album ? 'msg--album' : ''}`} data-out-id={id}>
      <div class="msg__col">
        <div class="msg__line">
          <div class="msg__bubble" role={label ? 'group' : undefined} aria-label={label}>
            {children}
          </div>
        </div>
      </div>
    </div>
  )
}

function Unavailable() {
  useEffect(dropBootPaint, [])
  return (
    <section class="room" aria-labelledby="room-title">
      <header class="topbar topbar--room">
        <button class="icon-btn" onClick={() => back()} aria-label={t('app.back')}>
          <IconBack />
        </button>
      </header>
      {/* in the page rather than the bar: the sentence wraps instead of being cut off */}
      <div class="room__gone">
        <h1 class="room__gone-title" id="room-title">
          {t('room.unavailable')}
        </h1>
        <p>{t('room.unavailableHint')}</p>
        <a
          class="btn btn--primary"
          href="#/chats"
          onClick={(e) => {
            e.preventDefault()
            go('chats', '', true) // Back should not return to this address
          }}
        >
          {t('room.toChats')}
        </a>
      </div>
    </section>
  )
}
