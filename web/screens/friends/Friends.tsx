// Friends: me on top, search by handle, "added me" requests, friends sorted by name, the people I
// blocked (with unblock), and a profile sheet for any of them. Blocking someone is asked first.
import { useState } from 'preact/hooks'
import { me, findByHandle, addFriend, hideFriend, blockFriend, unblockFriend } from '../../models/index.ts'
import type { Profile } from '../../../protocol/api.ts'
import { HANDLE_RE } from '../../../protocol/limits.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { sortByName } from '../../i18n/format.ts'
import { errorText } from '../../app/errors.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { isolate, neutral, UserText } from '../../components/UserText.tsx'
import { useFriends } from '../../components/useFriends.ts'
import { ProfileSheet } from '../profile/ProfileSheet.tsx'
import { InviteSheet } from '../invite/InviteSheet.tsx'

export default function Friends() {
  const user = me.value
  const state = useFriends()
  const data = state.status === 'ready' ? state.data : null
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<Profile | null | 'none'>(null)
  const [error, setError] = useState('')
  const [open, setOpen] = useState<Profile | null>(null)
  const [blocking, setBlocking] = useState<Profile | null>(null)
  const [sharing, setSharing] = useState(false)
  // a request under way: its button shows it and takes no second tap (a slow network takes seconds)
  const [busy, setBusy] = useState(false)

  const friendIds = new Set((data?.friends ?? []).map((p) => p.id))
  const list = sortByName(data?.friends ?? [])
  const addedMe = sortByName(data?.addedMe ?? [])
  const blocked = sortByName(data?.blocked ?? [])

  async function search(e: Event) {
    e.preventDefault()
    setError('')
    setFound(null)
    const h = query.trim().replace(/^@/, '').toLowerCase()
    if (!HANDLE_RE.test(h)) {
      setError(t('errors.handle_invalid'))
      return
    }
    setBusy(true)
    try {
      setFound((await findByHandle(h)) ?? 'none')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  async function act(fn: () => Promise<void>) {
    if (busy) return
    setError('')
    setBusy(true)
    try {
      await fn()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="friends-title">
      <header class="topbar">
        <h1 class="topbar__title" id="friends-title">
          {t('friends.title')}
        </h1>
        <button class="btn btn--small" onClick={() => setSharing(true)}>
          {t('invite.friendLink')}
        </button>
      </header>
      <div class="screen__scroll">
        {user && (
          <a class="row me-row" href="#/settings">
            <Avatar id={user.id} name={user.name} size={56} photo={user.photo} />
            <span class="row__body">
              <UserText class="row__title" text={user.name} />
              <UserText class="row__sub" text={user.status || '@' + user.handle} />
            </span>
          </a>
        )}
        {/* brands, stars and shops to follow, like friends */}
        <a class="row row--button channels-entry" href="#/channels">
          <span class="row__title">{t('channels.title')}</span>
          <span class="channels-entry__go" aria-hidden="true">
            ›
          </span>
        </a>
        <a class="row row--button channels-entry" href="#/coupons">
          <span class="row__title">{t('coupons.mine')}</span>
          <span class="channels-entry__go" aria-hidden="true">
            ›
          </span>
        </a>

        <form class="search-form" role="search" onSubmit={search}>
          <label class="visually-hidden" for="friend-handle">
            {t('friends.searchLabel')}
          </label>
          <input
            id="friend-handle"
            name="handle"
            type="search"
            autocapitalize="none"
            spellcheck={false}
            placeholder={t('friends.searchPlaceholder')}
            value={query}
            onInput={(e) => {
              // an answer about what was typed before ("Nobody has that ID") no longer applies
              setQuery(e.currentTarget.value)
              setFound(null)
              setError('')
            }}
          />
          <button class="btn btn--primary" type="submit" disabled={busy} aria-busy={busy}>
            {t('friends.find')}
          </button>
        </form>
        <p class="form__error" role="alert">
          {error}
        </p>
        <div aria-live="polite">
          {found === 'none' && <p class="muted pad">{t('friends.notFound')}</p>}
          {found && found !== 'none' && (
            <div class="row">
              <Avatar id={found.id} name={found.name} size={44} photo={found.photo} />
              <span class="row__body">
                <UserText class="row__title" text={found.name} />
                <span class="row__sub">@{found.handle}</span>
              </span>
              {found.id === user?.id ? (
                <span class="muted">{t('friends.itsYou')}</span>
              ) : friendIds.has(found.id) ? (
                <span class="muted">{t('friends.already')}</span>
              ) : (
                <button
                  class="btn btn--small btn--primary"
                  disabled={busy}
                  onClick={() =>
                    act(async () => {
                      await addFriend(found.id)
                      setFound(null)
                      setQuery('')
                    })
                  }
                >
                  {t('friends.add')}
                </button>
              )}
            </div>
          )}
        </div>

        {addedMe.length > 0 && (
          <section aria-labelledby="addedme-title">
            <h2 class="section-title" id="addedme-title">
              {t('friends.addedMe')} <span class="muted">{addedMe.length}</span>
            </h2>
            <ul class="list">
              {addedMe.map((p) => (
                <li key={p.id} class="row row--wrap">
                  <Avatar id={p.id} name={p.name} size={44} photo={p.photo} />
                  <span class="row__body">
                    <UserText class="row__title" text={p.name} />
                    <span class="row__sub">@{p.handle}</span>
                  </span>
                  <span class="row__actions">
                    <button
                      class="btn btn--small btn--primary"
                      disabled={busy}
                      onClick={() => act(() => addFriend(p.id))}
                      aria-label={t('friends.addBackName', { name: neutral(p.name) })}
                    >
                      {t('friends.addBack')}
                    </button>
                    <button
                      class="btn btn--small"
                      disabled={busy}
                      onClick={() => act(() => hideFriend(p.id))}
                      aria-label={t('friends.hideName', { name: neutral(p.name) })}
                    >
                      {t('friends.hide')}
                    </button>
                    <button
                      class="btn btn--small btn--danger"
                      onClick={() => setBlocking(p)}
                      aria-label={t('friends.blockName', { name: neutral(p.name) })}
                    >
                      {t('friends.block')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}

        <section aria-labelledby="friendlist-title">
          <h2 class="section-title" id="friendlist-title">
            {t('friends.list')} {data && <span class="muted">{list.length}</span>}
          </h2>
          {state.status === 'loading' ? (
            <p class="empty">{t('app.loading')}</p>
          ) : state.status === 'unloaded' ? (
            <p class="empty">{t('friends.notLoaded')}</p>
          ) : list.length === 0 ? (
            <p class="empty">{t('friends.none')}</p>
          ) : (
            <ul class="list">
              {list.map((p) => (
                <li key={p.id}>
                  <button class="row row--button" onClick={() => setOpen(p)}>
                    <Avatar id={p.id} name={p.name} size={44} photo={p.photo} />
                    <span class="row__body">
                      <UserText class="row__title" text={p.name} />
                      <UserText class="row__sub" text={p.status || '@' + p.handle} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        {blocked.length > 0 && (
          <section aria-labelledby="blocked-title">
            <h2 class="section-title" id="blocked-title">
              {t('friends.blocked')} <span class="muted">{blocked.length}</span>
            </h2>
            <ul class="list">
              {blocked.map((p) => (
                <li key={p.id} class="row row--split">
                  <button class="row row--open" onClick={() => setOpen(p)}>
                    <Avatar id={p.id} name={personName(p)} size={44} photo={p.photo} />
                    <span class="row__body">
                      <UserText class="row__title" text={personName(p)} />
                      {p.handle && <span class="row__sub">@{p.handle}</span>}
                    </span>
                  </button>
                  <button
                    class="btn btn--small"
                    disabled={busy}
                    onClick={() => act(() => unblockFriend(p.id))}
                    aria-label={t('friends.unblockName', { name: neutral(personName(p)) })}
                  >
                    {t('friends.unblock')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
      {open && <ProfileSheet person={open} onClose={() => setOpen(null)} />}
      {sharing && <InviteSheet kind="friend" onClose={() => setSharing(false)} />}
      {blocking && (
        <ConfirmSheet
          title={t('friends.blockName', { name: isolate(blocking.name) })}
          text={t('friends.blockConfirm', { name: isolate(blocking.name) })}
          action={t('friends.block')}
          onConfirm={() => {
            const p = blocking
            setBlocking(null)
            void act(() => blockFriend(p.id))
          }}
          onCancel={() => setBlocking(null)}
        />
      )}
    </section>
  )
}
