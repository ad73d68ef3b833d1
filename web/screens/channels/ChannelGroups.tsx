// A channel's customer groups, for its admins: people the brand lists from its own customers by their Sori
// IDs, each group with a feed of its own that the composer can post to. The server says nothing of the
// listed people: not who uses Sori or follows, nor how many, nor how many saw a group's posts
// (docs/protocol.md, "Customer groups"). It keeps no list it could give back either, so editing a group
// replaces its list rather than showing it.
import { useEffect, useState } from 'preact/hooks'
import {
  MAX_CHANNEL_GROUPS,
  MAX_GROUP_HANDLES,
  MAX_GROUP_NAME_CHARS,
  type Channel,
  type ChannelGroup,
  type ChannelGroupBody,
} from '../../../protocol/channels.ts'
import { HANDLE_RE } from '../../../protocol/limits.ts'
import { channelGroups, createGroup, deleteGroup, getChannel, parseHandles, updateGroup } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { formatList, formatNumber } from '../../i18n/format.ts'
import { IconBack } from '../../components/icons.tsx'
import { UserText } from '../../components/UserText.tsx'
import { ConfirmSheet } from '../../components/Confirm.tsx'

/**
 * The name and list of IDs of a new group (`group` absent), or a group's new name and, if given, new
 * list. Resolves with what the server answered; the form stays filled when it refuses.
 */
function GroupForm({
  group,
  onSave,
  onCancel,
}: {
  group?: ChannelGroup
  onSave: (body: ChannelGroupBody) => Promise<void>
  onCancel?: () => void
}) {
  const [name, setName] = useState(group?.name ?? '')
  const [ids, setIds] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  // ids for the label and hint: one form per group on the screen, and the new group's
  const prefix = `channel-group-${group?.id ?? 'new'}`

  async function submit(e: Event) {
    e.preventDefault()
    const handles = parseHandles(ids)
    if (!name.trim()) return setError(t('channels.groups.noName'))
    // editing: an empty list keeps the one the group has
    if (!group && handles.length === 0) return setError(t('channels.groups.noIds'))
    const bad = handles.filter((h) => !HANDLE_RE.test(h))
    if (bad.length) return setError(t('channels.groups.badIds', { ids: formatList(bad.slice(0, 5)) }))
    if (handles.length > MAX_GROUP_HANDLES)
      return setError(t('channels.groups.tooMany', { max: formatNumber(MAX_GROUP_HANDLES) }))
    setError('')
    setBusy(true)
    try {
      await onSave({ name: name.trim(), ...(handles.length ? { handles } : {}) })
      if (!group) {
        setName('')
        setIds('')
      }
    } catch (err) {
      const code = (err as { code?: unknown }).code
      setError(code === 'too_many_groups' ? t('channels.groups.full', { max: MAX_CHANNEL_GROUPS }) : errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="form stack" onSubmit={submit}>
      <label class="field">
        <span class="field__label">{t('channels.groups.name')}</span>
        <input
          maxLength={MAX_GROUP_NAME_CHARS}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-describedby={`${prefix}-name-shown`}
        />
        {/* a group called "Late payers" would say so to the people in it */}
        <span class="field__hint" id={`${prefix}-name-shown`}>
          {t('channels.groups.nameShown')}
        </span>
      </label>
      <div class="field">
        <label class="field__label" for={`${prefix}-ids`}>
          {group ? t('channels.groups.idsReplace') : t('channels.groups.ids')}
        </label>
        <textarea
          id={`${prefix}-ids`}
          class="channel-groups__ids"
          rows={5}
          autocapitalize="off"
          autocomplete="off"
          spellcheck={false}
          aria-describedby={`${prefix}-hint`}
          value={ids}
          onInput={(e) => setIds(e.currentTarget.value)}
        />
        <span class="field__hint" id={`${prefix}-hint`}>
          {t('channels.groups.idsHint')}
        </span>
      </div>
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="form__row">
        {onCancel && (
          <button type="button" class="btn" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        )}
        <button class="btn btn--primary" type="submit" disabled={busy}>
          {busy ? t('app.wait') : group ? t('channels.groups.save') : t('channels.groups.create')}
        </button>
      </div>
    </form>
  )
}

function GroupItem({
  group,
  onSave,
  onDelete,
}: {
  group: ChannelGroup
  onSave: (body: ChannelGroupBody) => Promise<void>
  onDelete: () => void
}) {
  const [editing, setEditing] = useState(false)
  return (
    <li class="channel-groups__item" aria-label={group.name}>
      <p class="channel-groups__name">
        <UserText text={group.name} />
      </p>
      <dl class="channel-groups__figures">
        <div>
          <dt class="muted">{t('channels.groups.posts')}</dt>
          <dd>{formatNumber(group.posts)}</dd>
        </div>
      </dl>
      {editing ? (
        <GroupForm
          group={group}
          onSave={async (body) => {
            await onSave(body)
            setEditing(false)
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <div class="form__row form__row--start">
          <button class="btn btn--small" onClick={() => setEditing(true)}>
            {t('channels.groups.edit')}
          </button>
          <button class="btn btn--small btn--danger" onClick={onDelete}>
            {t('channels.groups.delete')}
          </button>
        </div>
      )}
    </li>
  )
}

export default function ChannelGroups({ id }: { id: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [groups, setGroups] = useState<ChannelGroup[] | null>(null)
  const [error, setError] = useState('')
  const [asking, setAsking] = useState<ChannelGroup | null>(null)
  const [busy, setBusy] = useState(false)
  const [askError, setAskError] = useState('')
  useEffect(() => {
    getChannel(id).then(setChannel, () => undefined)
    channelGroups(id).then(setGroups, (e: unknown) => setError(errorText(e)))
  }, [id])

  const put = (g: ChannelGroup): void => setGroups((all) => (all ?? []).map((x) => (x.id === g.id ? g : x)))
  async function remove(g: ChannelGroup) {
    setBusy(true)
    setAskError('')
    try {
      await deleteGroup(id, g.id)
      setGroups((all) => (all ?? []).filter((x) => x.id !== g.id))
      setAsking(null)
    } catch (e) {
      setAskError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="channel-groups-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('chats')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="channel-groups-title">
          {t('channels.groups.title')}
        </h1>
      </header>
      <div class="screen__scroll channel-groups">
        {channel && (
          <p class="pad channel-stats__channel">
            <UserText text={channel.name} /> <span class="muted">@{channel.handle}</span>
          </p>
        )}
        <p class="pad muted">{t('channels.groups.note')}</p>
        {error && (
          <p class="pad form__error" role="alert">
            {error}
          </p>
        )}
        {!groups && !error && <div class="screen-loading" aria-busy="true" aria-label={t('app.loading')} />}
        {groups && (
          <>
            <div class="card">
              {groups.length === 0 ? (
                <p class="muted">{t('channels.groups.none')}</p>
              ) : (
                <ul class="channel-groups__list">
                  {groups.map((g) => (
                    <GroupItem
                      key={g.id}
                      group={g}
                      onSave={async (body) => put(await updateGroup(id, g.id, body))}
                      onDelete={() => {
                        setAskError('')
                        setAsking(g)
                      }}
                    />
                  ))}
                </ul>
              )}
            </div>
            <div class="card">
              <h2 class="card__title">{t('channels.groups.new')}</h2>
              {groups.length >= MAX_CHANNEL_GROUPS ? (
                <p class="muted">{t('channels.groups.full', { max: MAX_CHANNEL_GROUPS })}</p>
              ) : (
                <GroupForm
                  onSave={async (body) => {
                    const g = await createGroup(id, { name: body.name ?? '', handles: body.handles ?? [] })
                    setGroups((all) => [...(all ?? []), g])
                  }}
                />
              )}
            </div>
          </>
        )}
      </div>
      {asking && (
        <ConfirmSheet
          title={t('channels.groups.delete')}
          text={t('channels.groups.deleteConfirm', { name: asking.name })}
          action={t('channels.groups.delete')}
          busy={busy}
          error={askError}
          onConfirm={() => void remove(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  )
}
