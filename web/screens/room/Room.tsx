// A chat room: the virtualized message list, typing indicator, composer, and the members sheet.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { useComputed } from '@preact/signals'
import { me, chatList, chatListLoaded, chatInfo, lostChats, openConversation, type MessageView } from '../../data/index.ts'
import type { Profile } from '../../../protocol/api.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { formatList, formatLongDate } from '../../i18n/format.ts'
import { VirtualList } from '../../components/VirtualList.tsx'
import { Sheet } from '../../components/Sheet.tsx'
import { IconBack, IconMenu } from '../../components/icons.tsx'
import { chatTitle } from '../chats/Chats.tsx'
import { jumpTarget } from '../../search/jump.ts'
import { toRows, type Row } from './rows.ts'
import { MessageRow } from './MessageRow.tsx'
import { Composer, type Mode } from './Composer.tsx'
import { MembersSheet } from './MembersSheet.tsx'

export default function Room({ convId }: { convId: string }) {
  const conv = useMemo(() => openConversation(convId), [convId])
  useEffect(() => () => conv.close(), [conv])
  const info = useMemo(() => chatInfo(convId), [convId])
  const myId = me.value?.id ?? ''
  const chat = info.value
  const entry = chatList.value.find((c) => c.id === convId)

  const members = new Map<string, Profile>((chat?.members ?? []).map((p) => [p.id, p]))
  // the inbox entry is live (the server rewrites it on rename and invite); the chat info is fetched
  const liveTitle = chat?.kind === 'group' && entry?.title ? entry.title : ''
  const title = chat
    ? liveTitle || chat.title || (chat.kind === 'direct' ? chat.members.find((p) => p.id !== myId)?.name ?? '' : formatList(chat.members.filter((p) => p.id !== myId).map((p) => p.name)))
    : entry ? chatTitle(entry) : ''
  // lost: the server closed our sockets (4403), or I am in neither the inbox nor the chat's member list
  // (left on this device, or an address of a chat I never was in)
  // (the second only after a moment, so that a chat being opened or fetched does not flash as lost)
  const [settled, setSettled] = useState(false)
  useEffect(() => { const timer = setTimeout(() => setSettled(true), 1500); return () => clearTimeout(timer) }, [])
  const lost = lostChats.value.has(convId) || (settled && chatListLoaded.value && !entry && !chat)
  const memberCount = entry?.members ?? chat?.members.length ?? 0

  const messages = conv.messages.value
  // refetch the chat info when the live inbox says it changed, or someone unknown wrote
  const infoStale = !!chat && !!entry && ((chat.kind === 'group' && entry.title !== chat.title) || entry.members !== chat.members.length)
  const unknownAuthor = !!chat && messages.slice(-50).some((m) => !members.has(m.from))
  useEffect(() => { if (infoStale || unknownAuthor) chatInfo(convId) }, [infoStale, unknownAuthor])
  const rows = useComputed(() => toRows(conv.messages.value)).value
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages])

  const [mode, setMode] = useState<Mode>({ kind: 'new' })
  const [actions, setActions] = useState<MessageView | null>(null)
  const [details, setDetails] = useState(false)
  const [sentTick, setSentTick] = useState(0)
  const atBottom = useRef(true)
  const [showJump, setShowJump] = useState(false)
  const loading = useRef(false)
  const [loaded, setLoaded] = useState(0)

  // read what is on screen: when at the bottom, visible, and something new arrived
  const newest = messages[messages.length - 1]
  useEffect(() => {
    const read = () => { if (atBottom.current && document.visibilityState === 'visible') conv.markRead() }
    read()
    document.addEventListener('visibilitychange', read)
    return () => document.removeEventListener('visibilitychange', read)
  }, [conv, newest?.id])

  // announce messages from others to screen readers (the list itself is virtualized)
  const [announce, setAnnounce] = useState('')
  const lastAnnounced = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!newest || newest.id === lastAnnounced.current) return
    const firstLoad = lastAnnounced.current === undefined
    lastAnnounced.current = newest.id
    if (!firstLoad && newest.from !== myId && !newest.retracted) setAnnounce(`${members.get(newest.from)?.name ?? t('room.someone')}: ${newest.body}`)
  }, [newest?.id])

  function loadOlder() {
    if (loading.current || !conv.hasOlder.peek()) return
    loading.current = true
    conv.loadOlder().catch((e) => console.warn('sori: could not load older messages', e)).finally(() => { loading.current = false; setLoaded((n) => n + 1) })
  }

  // the newest page can be empty (it has just rolled over): fetch older pages until there is something to show
  const hasOlder = conv.hasOlder.value
  useEffect(() => { if (messages.length === 0 && hasOlder) loadOlder() }, [messages.length, hasOlder, loaded])

  // "open the chat at this message" (from search): load older pages until it is there, then show it
  const [scrollTo, setScrollTo] = useState<{ key: string; nonce: number } | null>(null)
  const [highlight, setHighlight] = useState('')
  const target = jumpTarget.value?.conv === convId ? jumpTarget.value : null
  const pageIn = conv.settled.value
  useEffect(() => {
    if (!target) return
    if (byId.has(target.id)) {
      setScrollTo({ key: target.id, nonce: Date.now() })
      setHighlight(target.id)
      jumpTarget.value = null
      return
    }
    const oldest = messages[0]
    if (hasOlder && (!oldest || oldest.page >= target.page)) loadOlder()
    else if (pageIn && !loading.current) jumpTarget.value = null // it is not in this chat (any more)
  }, [target, messages, hasOlder, loaded, pageIn])

  function send(text: string) {
    if (mode.kind === 'edit') conv.edit(mode.id, text)
    else conv.send(text, mode.kind === 'reply' ? mode.id : undefined)
    if (mode.kind !== 'edit') setSentTick((n) => n + 1)
    setMode({ kind: 'new' })
  }

  const typingNames = conv.typing.value.filter((id) => id !== myId).map((id) => members.get(id)?.name ?? t('room.someone'))
  const nameOf = (id: string) => (id === myId ? t('room.you') : members.get(id)?.name ?? t('room.someone'))

  const renderRow = (r: Row) =>
    r.kind === 'day'
      ? <div class="day-sep"><span>{formatLongDate(r.ts)}</span></div>
      : <MessageRow highlight={r.m.id === highlight} m={r.m} mine={r.m.from === myId} first={r.first} last={r.last} author={members.get(r.m.from)}
          replied={r.m.replyTo ? byId.get(r.m.replyTo) : undefined}
          repliedAuthor={r.m.replyTo && byId.get(r.m.replyTo) ? nameOf(byId.get(r.m.replyTo)!.from) : t('room.someone')}
          onOpen={setActions} />

  return (
    <section class="room" aria-labelledby="room-title">
      <header class="topbar topbar--room">
        <button class="icon-btn" onClick={() => back()} aria-label={t('app.back')}><IconBack /></button>
        <h1 class="topbar__title" id="room-title">
          <span class="topbar__text">{title}</span>
          {memberCount > 2 && <span class="topbar__count" aria-label={t('chats.members', { count: memberCount })}>{memberCount}</span>}
        </h1>
        <button class="icon-btn" onClick={() => setDetails(true)} aria-label={t('room.details')} disabled={!chat}><IconMenu /></button>
      </header>

      {messages.length === 0 ? <p class="room__empty">{hasOlder ? t('app.loading') : t('room.empty')}</p> : (
        <VirtualList items={rows} itemKey={(r) => r.key} render={renderRow} estimate={52} label={t('room.messages')} class="room__list"
          onNearTop={loadOlder} bottomSignal={sentTick} scrollTo={scrollTo} recheck={loaded} canAnchor={(r) => r.kind === 'msg'}
          onAtBottom={(b) => { atBottom.current = b; setShowJump(!b); if (b && document.visibilityState === 'visible') conv.markRead() }} />
      )}
      {showJump && messages.length > 0 && (
        <button class="jump" onClick={() => setSentTick((n) => n + 1)}>{t('room.jumpToLatest')}</button>
      )}

      <div class="typing" aria-live="polite">{typingNames.length > 0 ? t('room.typing', { names: formatList(typingNames), count: typingNames.length }) : ''}</div>
      <div class="visually-hidden" aria-live="polite">{announce}</div>

      {lost && <p class="room__lost" role="status">{t('room.lost')}</p>}
      <Composer disabled={lost} mode={mode} onCancelMode={() => setMode({ kind: 'new' })} onSend={send} onTyping={(on) => conv.setTyping(on)} />

      {actions && (
        <Sheet title={t('room.actions')} onClose={() => setActions(null)}>
          <p class="sheet__quote">{actions.retracted ? t('room.retracted') : actions.body}</p>
          <div class="stack">
            {!actions.retracted && <button class="btn btn--block" onClick={() => { setMode({ kind: 'reply', id: actions.id, name: nameOf(actions.from), text: actions.body }); setActions(null) }}>{t('room.reply')}</button>}
            {!actions.retracted && <button class="btn btn--block" onClick={() => { void navigator.clipboard?.writeText(actions.body); setActions(null) }}>{t('room.copy')}</button>}
            {actions.from === myId && !actions.retracted && <button class="btn btn--block" onClick={() => { setMode({ kind: 'edit', id: actions.id, text: actions.body }); setActions(null) }}>{t('room.edit')}</button>}
            {actions.from === myId && !actions.retracted && <button class="btn btn--block btn--danger" onClick={() => { conv.retract(actions.id); setActions(null) }}>{t('room.retract')}</button>}
          </div>
        </Sheet>
      )}
      {details && chat && <MembersSheet chat={chat} title={title} onClose={() => setDetails(false)} />}
    </section>
  )
}
