// Channels to follow: the directory (by category), and search by name or @ID in any script. Following
// is one tap here or on the channel's home.
import { useEffect, useState } from 'preact/hooks'
import type { Channel, ChannelCategory } from '../../../protocol/channels.ts'
import { follow, searchChannels } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { lang } from '../../i18n/lang.ts'
import { back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { IconBack, IconPlus } from '../../components/icons.tsx'
import { isolate } from '../../components/UserText.tsx'
import { followersText, VerifiedMark } from './labels.tsx'
import { CategoryField } from './ChannelFields.tsx'

export default function Directory() {
  const [q, setQ] = useState('')
  const [category, setCategory] = useState<ChannelCategory | ''>('')
  // channels in my language first: the directory is a recommendation, and a search looks everywhere
  const [inMine, setInMine] = useState(true)
  const [list, setList] = useState<Channel[] | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    let live = true
    // typed: asked once the typing pauses
    const timer = setTimeout(() => {
      searchChannels(q, category, inMine && !q.trim() ? lang.value : '').then(
        (r) => live && (setList(r.channels), setError('')),
        (e: unknown) => live && setError(errorText(e)),
      )
    }, 250)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [q, category, inMine])

  /** channels whose follow or unfollow is under way: their button takes no second tap */
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set())
  async function toggle(c: Channel) {
    if (pending.has(c.id)) return
    setPending((p) => new Set([...p, c.id]))
    try {
      const next = await follow(c.id, !c.following)
      setList((l) => l?.map((x) => (x.id === c.id ? next : x)) ?? null)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setPending((p) => new Set([...p].filter((id) => id !== c.id)))
    }
  }

  return (
    <section class="screen" aria-labelledby="channels-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('friends')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="channels-title">
          {t('channels.title')}
        </h1>
        <a class="icon-btn" href="#/new-channel" aria-label={t('channels.create')} title={t('channels.create')}>
          <IconPlus />
        </a>
      </header>
      <div class="screen__scroll">
        <div class="form form--screen">
          <label class="field">
            <span class="field__label">{t('channels.search')}</span>
            <input
              type="search"
              value={q}
              placeholder={t('channels.searchPlaceholder')}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
          </label>
          <CategoryField any value={category} onChange={setCategory} />
          {!q.trim() && (
            <label class="check">
              <input type="checkbox" checked={inMine} onChange={(e) => setInMine(e.currentTarget.checked)} />
              <span>{t('channels.inMyLanguage')}</span>
            </label>
          )}
          <p class="form__error" role="alert">
            {error}
          </p>
        </div>
        {list && list.length === 0 && (
          <div class="pad">
            {/* nothing asked for but the directory (in my language): it is empty, not the search */}
            <p class="muted">
              {q.trim() || category ? t('channels.none') : inMine ? t('channels.noneInMine') : t('channels.noneYet')}
            </p>
            {/* a language few channels post in yet: the way out of an empty directory */}
            {inMine && !q.trim() && (
              <button type="button" class="btn" onClick={() => setInMine(false)}>
                {t('channels.everyLanguage')}
              </button>
            )}
          </div>
        )}
        {list && list.length > 0 && (
          <ul class="list" aria-label={t('channels.title')}>
            {list.map((c) => (
              <li key={c.id} class="row row--split directory-row">
                <a class="row" href={`#/channel/${c.id}`}>
                  <Avatar id={c.id} name={c.name} size={48} photo={c.photo ?? undefined} channel />
                  {/* on a phone the Follow button is kept narrow (its label may take two lines): the name may
                      take two lines, broken between words, and the followers wrap rather than being cut short */}
                  <span class="row__body">
                    <span class="row__line">
                      <span class="row__title">{isolate(c.name)}</span>
                      {c.verified && <VerifiedMark />}
                    </span>
                    <span class="row__sub">@{c.handle}</span>
                    <span class="row__sub row__sub--wrap">{followersText(c.followers)}</span>
                  </span>
                </a>
                {!c.blocked && !c.admin && (
                  <button
                    class={c.following ? 'btn btn--small' : 'btn btn--small btn--primary'}
                    disabled={pending.has(c.id)}
                    aria-busy={pending.has(c.id)}
                    onClick={() => void toggle(c)}
                  >
                    {c.following ? t('channels.unfollow') : t('channels.follow')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
