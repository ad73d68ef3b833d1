// A channel's settings, for its admins: its name, what it is about, its category, the languages it posts
// in (posts for some of them only are offered once it has two), and who runs it with them. Its @ID stays
// what it was made with: followers and "Add channel" buttons find it by that.
import { useEffect, useState } from 'preact/hooks'
import type { Channel } from '../../../protocol/channels.ts'
import { HANDLE_RE } from '../../../protocol/limits.ts'
import {
  addChannelAdmin,
  channelAdmins,
  getChannel,
  removeChannelAdmin,
  updateChannel,
  type ChannelAdmin,
} from '../../models/channel-actions.ts'
import { me } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { back, go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { LOCALES, NATIVE_NAMES } from '../../i18n/locales.ts'
import { IconBack } from '../../components/icons.tsx'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { isolate } from '../../components/UserText.tsx'
import { TaggedTitle } from '../../components/RowMarks.tsx'
import { AboutFields, type AboutValues } from './ChannelFields.tsx'

export default function EditChannel({ id }: { id: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [about, setAbout] = useState<AboutValues>({ name: '', description: '', category: 'other' })
  const [langs, setLangs] = useState<string[]>([])
  const [status, setStatus] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    getChannel(id).then(
      (c) => {
        setChannel(c)
        setAbout({ name: c.name, description: c.description, category: c.category })
        setLangs(c.langs)
      },
      (e: unknown) => setError(errorText(e)),
    )
  }, [id])

  async function save(e: Event) {
    e.preventDefault()
    setError('')
    setStatus('')
    if (!about.name.trim()) return setError(t('channels.noName'))
    if (langs.length === 0) return setError(t('channels.edit.noLanguage'))
    setBusy(true)
    try {
      const c = await updateChannel(id, {
        name: about.name.trim(),
        description: about.description.trim(),
        category: about.category,
        langs,
      })
      setChannel(c)
      setStatus(t('channels.edit.saved'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const toggleLang = (l: string, on: boolean) =>
    setLangs((ls) => (on ? LOCALES.filter((x) => x === l || ls.includes(x)) : ls.filter((x) => x !== l)))

  return (
    <section class="screen" aria-labelledby="editchannel-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('channels')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="editchannel-title">
          {t('channels.edit.title')}
        </h1>
      </header>
      <div class="screen__scroll">
        {channel && !channel.admin ? (
          <p class="muted pad">{t('channels.edit.notAdmin')}</p>
        ) : (
          <form class="form form--screen" noValidate onSubmit={save}>
            {channel && <p class="muted">@{channel.handle}</p>}
            <AboutFields values={about} onChange={setAbout} rows={4} />
            <fieldset class="field lang-field">
              <legend class="field__label">{t('channels.edit.languages')}</legend>
              <p class="muted">{t('channels.edit.languagesNote')}</p>
              <div class="lang-picks">
                {LOCALES.map((l) => (
                  <label key={l} class="check" lang={l}>
                    <input type="checkbox" checked={langs.includes(l)} onChange={(e) => toggleLang(l, e.currentTarget.checked)} />
                    <span>{NATIVE_NAMES[l]}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <p class="form__error" role="alert">
              {error}
            </p>
            <p class="muted" role="status">
              {status}
            </p>
            <div class="form__row">
              <button class="btn btn--primary" type="submit" disabled={busy || !channel}>
                {t('channels.edit.save')}
              </button>
            </div>
          </form>
        )}
        {channel?.admin && <Admins id={id} />}
      </div>
    </section>
  )
}

/** Who runs the channel: add one by their Sori ID, remove any (oneself too, but never the last). */
function Admins({ id }: { id: string }) {
  const [admins, setAdmins] = useState<ChannelAdmin[] | null>(null)
  const [handle, setHandle] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [removing, setRemoving] = useState<ChannelAdmin | null>(null)
  const myId = me.value?.id
  useEffect(() => {
    channelAdmins(id).then(setAdmins, (e: unknown) => setError(errorText(e)))
  }, [id])

  async function add(e: Event) {
    e.preventDefault()
    setError('')
    const h = handle.trim().replace(/^@/, '').toLowerCase()
    if (!HANDLE_RE.test(h)) return setError(t('errors.handle_invalid'))
    setBusy(true)
    try {
      setAdmins(await addChannelAdmin(id, h))
      setHandle('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  async function remove(a: ChannelAdmin) {
    setBusy(true)
    setError('')
    try {
      setAdmins(await removeChannelAdmin(id, a.id))
      setRemoving(null)
      // who removed themselves runs it no more: back to its page, as a follower sees it
      if (a.id === myId) go('channel', id, true)
    } catch (err) {
      setError(errorText(err))
      setRemoving(null)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="admins-title">
      <h2 class="card__title" id="admins-title">
        {t('channels.admins.title')}
      </h2>
      <ul class="list">
        {(admins ?? []).map((a) => (
          <li key={a.id} class="row row--split">
            <span class="row__body">
              <TaggedTitle name={a.name} tag={a.id === myId ? t('members.you') : undefined} />
              <span class="row__sub">@{a.handle}</span>
            </span>
            {admins && admins.length > 1 && (
              <button
                class="btn btn--small"
                disabled={busy}
                onClick={() => setRemoving(a)}
                aria-label={t('members.removeNamed', { name: isolate(a.name) })}
              >
                {t('members.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form class="admins-add" onSubmit={add} noValidate>
        <label class="field__label" for="admin-handle">
          {t('channels.admins.handle')}
        </label>
        <div class="admins-add__row">
          <input
            id="admin-handle"
            autocapitalize="none"
            spellcheck={false}
            value={handle}
            onInput={(e) => setHandle(e.currentTarget.value)}
          />
          <button class="btn btn--primary" type="submit" disabled={busy}>
            {t('channels.admins.add')}
          </button>
        </div>
      </form>
      <p class="form__error" role="alert">
        {error}
      </p>
      {removing && (
        <ConfirmSheet
          title={t('members.remove')}
          text={t('channels.admins.removeConfirm', { name: isolate(removing.name) })}
          action={t('members.remove')}
          busy={busy}
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  )
}
