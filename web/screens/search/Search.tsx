// Search: friends and chats by name, then every message stored on this device (all of it works offline),
// messages grouped by chat with the hit marked; a hit opens its chat at that message.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { chatInfo, chatList, friends, me, type ChatListItem } from '../../models/index.ts'
import { localSearch } from '../../models/search.ts'
import { go, route } from '../../app/router.ts'
import { t } from '../../i18n/index.ts'
import { lang } from '../../i18n/lang.ts'
import { formatChatTime } from '../../i18n/format.ts'
import { personName } from '../../app/names.ts'
import { highlight, type SearchResult, type SearchRow } from '../../search/query.ts'
import { jumpTarget } from '../../search/jump.ts'
import { searchText } from '../../search/text.ts'
import { ChatAvatar, chatTitle } from '../chats/Chats.tsx'
import { byName } from '../../search/names.ts'
import { ProfileSheet } from '../profile/ProfileSheet.tsx'
import type { Profile } from '../../../protocol/api.ts'
import { isolate, neutral, UserText } from '../../components/UserText.tsx'
import { Avatar } from '../../components/Avatar.tsx'
import './search.css'

const DEBOUNCE_MS = 150
/** Long messages are cut around their first hit, so that the hit is on screen. */
const SNIPPET_CHARS = 120
const BEFORE_HIT = 30

type State =
  | { kind: 'idle' }
  | { kind: 'searching'; last: SearchResult | null }
  | { kind: 'done'; result: SearchResult; query: string }
  | { kind: 'failed' }
  | { kind: 'unavailable' }

export default function Search() {
  const [query, setQuery] = useState(route.value.name === 'search' ? route.value.arg : '')
  const [state, setState] = useState<State>({ kind: 'idle' })
  const seq = useRef(0)
  const locale = lang.value

  useEffect(() => {
    const q = query.trim()
    const mine = ++seq.current
    if (!q) {
      setState({ kind: 'idle' })
      return
    }
    const search = localSearch()
    if (!search) {
      setState({ kind: 'unavailable' })
      return
    }
    setState((s) => ({ kind: 'searching', last: s.kind === 'done' ? s.result : s.kind === 'searching' ? s.last : null }))
    // live: messages that arrive (or are indexed) while the results are shown join them
    let stop: (() => void) | null = null
    const timer = setTimeout(() => {
      stop = search(q, locale, {
        next: (result) => {
          if (seq.current === mine) setState({ kind: 'done', result, query: q })
        },
        error: (e) => {
          console.warn('sori: search', e)
          if (seq.current === mine) setState({ kind: 'failed' })
        },
      })
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      stop?.()
    }
  }, [query, locale])

  const onInput = (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value
    setQuery(v)
    // kept in the address, so that Back from a chat returns to these results
    go('search', v, true)
  }

  const result = state.kind === 'done' ? state.result : state.kind === 'searching' ? state.last : null
  const named = useNames(query, locale)
  // with a friend or chat found by name and no message, nothing says what was not found
  const nothing = state.kind === 'done' && state.result.total === 0 && named.people.length + named.chats.length === 0
  return (
    <section class="screen search" aria-labelledby="search-title">
      <header class="topbar">
        <h1 class="topbar__title" id="search-title">
          {t('search.title')}
        </h1>
      </header>
      <form class="search-form" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          value={query}
          onInput={onInput}
          autoFocus
          enterKeyHint="search"
          aria-label={t('search.label')}
          placeholder={t('search.placeholder')}
          autoComplete="off"
        />
        {query && (
          <button
            type="button"
            class="btn btn--small"
            onClick={() => {
              setQuery('')
              go('search', '', true)
            }}
          >
            {t('search.clear')}
          </button>
        )}
      </form>
      <div class="screen__scroll search__results" aria-busy={state.kind === 'searching'}>
        <Names people={named.people} chats={named.chats} />
        <p class="search__status" role="status" aria-live="polite">
          {state.kind === 'idle' && t('search.hint')}
          {state.kind === 'unavailable' && t('search.unavailable')}
          {state.kind === 'failed' && t('search.failed')}
          {state.kind === 'searching' && !result && t('search.searching')}
          {nothing && t('search.nothing', { query: state.query })}
          {result && result.total > 0 && t('search.results', { count: result.total })}
        </p>
        {result && result.total > 0 && <Results result={result} locale={locale} />}
        {result?.truncated && (
          <p class="search__status">{t('search.truncated', { count: result.groups.reduce((n, g) => n + g.hits.length, 0) })}</p>
        )}
      </div>
    </section>
  )
}

/** Friends whose name or ID, and chats whose name, hold the query (a 1:1 chat only when its person is not listed above it). */
function useNames(query: string, locale: string): { people: Profile[]; chats: ChatListItem[] } {
  const list = friends.value?.friends
  const all = chatList.value
  return useMemo(() => {
    if (!query.trim()) return { people: [], chats: [] }
    const people = byName(list ?? [], (p) => [p.name, p.handle], query, locale)
    const shown = new Set(people.map((p) => p.id))
    const chats = byName(
      all.filter((c) => !(c.kind === 'direct' && c.peer && shown.has(c.peer))),
      (c) => [chatTitle(c)],
      query,
      locale,
    )
    return { people, chats }
  }, [query, locale, list, all])
}

function Names({ people, chats }: { people: Profile[]; chats: ChatListItem[] }) {
  const [open, setOpen] = useState<Profile | null>(null)
  return (
    <>
      {people.length > 0 && (
        <section class="search__names" aria-labelledby="search-friends">
          <h2 class="search__section" id="search-friends">
            {t('search.friends')}
          </h2>
          <ul class="search__list">
            {people.map((p) => (
              <li key={p.id}>
                <button type="button" class="row row--button search__name" onClick={() => setOpen(p)}>
                  <Avatar id={p.id} name={personName(p)} size={40} photo={p.photo} />
                  <span class="row__body">
                    <UserText class="row__title" text={personName(p)} />
                    <span class="row__sub">@{p.handle}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {chats.length > 0 && (
        <section class="search__names" aria-labelledby="search-chats">
          <h2 class="search__section" id="search-chats">
            {t('search.chats')}
          </h2>
          <ul class="search__list">
            {chats.map((c) => {
              const title = chatTitle(c)
              return (
                <li key={c.id}>
                  <a class="row search__name" href={`#/chat/${c.id}`}>
                    <ChatAvatar c={c} title={title} size={40} />
                    <span class="row__body">
                      <UserText class="row__title" text={title} />
                    </span>
                  </a>
                </li>
              )
            })}
          </ul>
        </section>
      )}
      {open && <ProfileSheet person={open} onClose={() => setOpen(null)} />}
    </>
  )
}

function Results({ result, locale }: { result: SearchResult; locale: string }) {
  const chats = new Map(chatList.value.map((c) => [c.id, c]))
  return (
    <ul class="search__groups">
      {result.groups.map((g) => (
        <ChatGroup key={g.conv} conv={g.conv} chat={chats.get(g.conv)} hits={g.hits} words={result.words} locale={locale} />
      ))}
    </ul>
  )
}

function ChatGroup({
  conv,
  chat,
  hits,
  words,
  locale,
}: {
  conv: string
  chat?: ChatListItem
  hits: SearchRow[]
  words: string[]
  locale: string
}) {
  const title = chat ? chatTitle(chat) : t('chats.directUntitled')
  // in a group, each hit says who wrote it (members come from the cached chat info, offline too)
  const info = useMemo(() => (chat?.kind === 'group' ? chatInfo(conv) : null), [conv, chat?.kind])
  const members = info?.value?.members
  // who left keeps their name on what they wrote
  const former = info?.value?.former
  const myId = me.value?.id
  const author = (from: string) =>
    from === myId
      ? t('room.you')
      : chat?.kind === 'group'
        ? personName(members?.find((m) => m.id === from) ?? former?.find((m) => m.id === from))
        : null
  return (
    <li class="search__group">
      <h2 class="search__chat">
        <Avatar id={chat?.peer ?? conv} name={title} size={28} />
        <UserText class="search__chat-title" text={title} />
        <span class="search__chat-count">{t('search.inChat', { count: hits.length })}</span>
      </h2>
      <ul class="search__hits">
        {hits.map((h) => (
          <Hit key={h.id} hit={h} words={words} locale={locale} author={author(h.from)} />
        ))}
      </ul>
    </li>
  )
}

function Hit({ hit, words, locale, author }: { hit: SearchRow; words: string[]; locale: string; author: string | null }) {
  const open = () => {
    jumpTarget.value = { conv: hit.conv, id: hit.id, page: hit.page, index: hit.index }
    go('chat', hit.conv)
  }
  return (
    <li>
      <button type="button" class="search__hit" onClick={open} title={t('search.openAt')} data-message-id={hit.id}>
        <span class="search__body">
          {author && <span class="search__author">{t('search.author', { name: isolate(author) })} </span>}
          {/* the body is one isolate, its parts neutralised one by one (the marks split it) */}
          <bdi>
            {snippet(highlight(searchText(hit), words, locale)).map((p, i) =>
              p.hit ? <mark key={i}>{neutral(p.text)}</mark> : neutral(p.text),
            )}
          </bdi>
        </span>
        <time class="search__time" dateTime={new Date(hit.ts).toISOString()}>
          {formatChatTime(hit.ts, locale)}
        </time>
      </button>
    </li>
  )
}

/** Cuts a long body to a window that starts a little before its first hit. */
function snippet(parts: { text: string; hit: boolean }[]): { text: string; hit: boolean }[] {
  const total = parts.reduce((n, p) => n + p.text.length, 0)
  if (total <= SNIPPET_CHARS) return parts
  let offset = 0
  for (const p of parts) {
    if (p.hit) break
    offset += p.text.length
  }
  let skip = Math.max(0, Math.min(offset - BEFORE_HIT, total - SNIPPET_CHARS))
  const out: { text: string; hit: boolean }[] = skip > 0 ? [{ text: '…', hit: false }] : []
  let budget = SNIPPET_CHARS
  for (const p of parts) {
    if (budget <= 0) break
    let text = p.text
    if (skip >= text.length) {
      skip -= text.length
      continue
    }
    text = cutAt(text, skip)
    skip = 0
    if (text.length > budget) text = cutAt(text, 0, budget) + '…'
    budget -= text.length
    out.push({ text, hit: p.hit })
  }
  return out
}

/** slice() that never splits a surrogate pair (emoji, rare CJK) */
function cutAt(s: string, start: number, length = s.length): string {
  const isLow = (i: number) => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00
  if (isLow(start)) start++
  let end = Math.min(s.length, start + length)
  if (isLow(end)) end--
  return s.slice(start, end)
}
