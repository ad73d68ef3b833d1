// A channel's home: who it is, Follow / Unfollow / Block in one tap, a chat with it, and its posts, newest
// first (live, and there offline once seen), with those of its customer groups' feeds the viewer may read
// (a follower: their own groups; an admin: every group), each marked as for its group. Its admins write
// posts here too, and open its chats, statistics and groups.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { postFor, type Channel, type ChannelPost } from '../../../protocol/channels.ts'
import { me } from '../../models/index.ts'
import { followed, markChannelSeen, markGroupSeen } from '../../models/channels.ts'
import {
  blockChannel,
  channelGroups,
  follow,
  getChannel,
  muteChannel,
  openChannelChat,
  setChannelPhoto,
  watchPosts,
} from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { back, go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { PhotoButtons } from '../../components/PhotoButtons.tsx'
import { IconBack } from '../../components/icons.tsx'
import { UserText } from '../../components/UserText.tsx'
import { followersText, VerifiedMark } from './labels.tsx'
import { PostView } from './PostView.tsx'
import { PostComposer } from './PostComposer.tsx'
import { ScheduledList } from './ScheduledList.tsx'
import { ReportSheet } from './ReportSheet.tsx'

/** A customer group's feed as the home shows it. */
interface Feed {
  id: string
  name: string
}

/**
 * The customer groups' feeds the viewer may read: an admin every group's, a follower their own
 * (Channel.groups; until the channel comes, or offline, as the list of followed channels kept on the device says).
 */
function useGroupFeeds(id: string, channel: Channel | null): Feed[] {
  const [all, setAll] = useState<Feed[]>([])
  const admin = channel?.admin === true
  const groups = channel ? channel.groups : followed.value.find((c) => c.id === id)?.groups
  // a stable key: the channel is fetched again after every follow, mute or block
  const mine = JSON.stringify((groups ?? []).map((g) => [g.id, g.name]))
  useEffect(() => {
    if (!admin) return setAll((JSON.parse(mine) as [string, string][]).map(([gid, name]) => ({ id: gid, name })))
    let live = true
    channelGroups(id).then(
      (list) => live && setAll(list.map((g) => ({ id: g.id, name: g.name }))),
      () => undefined,
    )
    return () => void (live = false)
  }, [id, admin, mine])
  return all
}

export default function ChannelHome({ id }: { id: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [posts, setPosts] = useState<ChannelPost[] | null>(null)
  const [name, setName] = useState('')
  // the head's photo version, live (undefined until the head is here)
  const [headPhoto, setHeadPhoto] = useState<string | null | undefined>(undefined)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [reporting, setReporting] = useState(false)
  const feeds = useGroupFeeds(id, channel)
  const [groupPosts, setGroupPosts] = useState<ReadonlyMap<string, ChannelPost[]>>(new Map())
  useEffect(() => {
    getChannel(id).then(setChannel, (e: unknown) => setError(errorText(e)))
    return watchPosts(id, (list, head) => {
      setPosts(list)
      if (head?.name) setName(head.name)
      if (head) setHeadPhoto(head.photo)
      // on the screen: nothing of it is unread any more
      markChannelSeen(id)
    })
  }, [id])
  const feedKey = feeds.map((f) => f.id).join(',')
  useEffect(() => {
    setGroupPosts(new Map())
    if (!feedKey) return
    const stops = feedKey.split(',').map((gid) =>
      watchPosts(gid, (list, head) => {
        setGroupPosts((m) => new Map(m).set(gid, list))
        if (head) markGroupSeen(gid, head.count)
      }),
    )
    return () => stops.forEach((stop) => stop())
  }, [feedKey])

  async function act(work: () => Promise<Channel>) {
    setBusy(true)
    setError('')
    try {
      setChannel(await work())
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  const title = channel?.name ?? name
  const photo = (headPhoto === undefined ? channel?.photo : headPhoto) ?? undefined
  const postIds = useMemo(() => new Set(posts?.map((p) => p.id)), [posts])
  // posts for other languages than mine are not for me; its admins see them all, marked
  const myLang = me.value?.lang ?? ''
  const shown = useMemo(() => {
    if (!posts) return null
    const lang = channel?.admin ? null : myLang
    const all: { post: ChannelPost; group?: Feed }[] = posts.filter((p) => postFor(p, lang)).map((post) => ({ post }))
    for (const group of feeds)
      for (const post of groupPosts.get(group.id) ?? []) if (postFor(post, lang)) all.push({ post, group })
    // each feed is in its own order; together, by the authors' clocks (a stable sort keeps a feed's order on a tie)
    return feeds.length ? all.sort((a, b) => b.post.ts - a.post.ts) : all
  }, [posts, groupPosts, feeds, channel?.admin, myLang])

  return (
    <section class="screen" aria-labelledby="channel-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('chats')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title channel-title" id="channel-title">
          {title}
        </h1>
      </header>
      <div class="screen__scroll">
        <div class="card channel-card">
          <div class="card__head">
            <Avatar id={id} name={title || '#'} size={56} photo={photo} channel />
            <div>
              <p class="channel-card__name">
                <UserText text={title} />
                {channel?.verified && <VerifiedMark />}
              </p>
              {channel && (
                <p class="muted">
                  @{channel.handle} · {followersText(channel.followers)}
                </p>
              )}
            </div>
          </div>
          {/* a shop's description often holds its web address: a link, wrapped anywhere so that it never widens the page */}
          {channel?.description && (
            <p class="channel-card__about">
              <UserText text={channel.description} links />
            </p>
          )}
          {channel?.admin && (
            <PhotoButtons
              hasPhoto={!!photo}
              labels={[t('channels.photoAdd'), t('channels.photoChange'), t('channels.photoRemove')]}
              onSet={async (blob) => {
                const c = await setChannelPhoto(id, blob)
                setChannel(c)
                setHeadPhoto(c.photo)
              }}
              onError={setError}
            />
          )}
          <p class="form__error" role="alert">
            {error}
          </p>
          {/* following first and across, then the rest two by two: even rows in every language */}
          {channel && !channel.admin && (
            <div class="channel-actions">
              {!channel.blocked && (
                <button
                  class={channel.following ? 'btn channel-actions__main' : 'btn btn--primary channel-actions__main'}
                  disabled={busy}
                  onClick={() => void act(() => follow(id, !channel.following))}
                >
                  {channel.following ? t('channels.unfollow') : t('channels.follow')}
                </button>
              )}
              {!channel.blocked && (
                <button
                  class="btn"
                  disabled={busy}
                  onClick={() =>
                    void openChannelChat(id).then(
                      (chat) => go('chat', chat.id),
                      (e: unknown) => setError(errorText(e)),
                    )
                  }
                >
                  {t('channelChat.chat')}
                </button>
              )}
              {channel.following && (
                <button class="btn" disabled={busy} onClick={() => void act(() => muteChannel(id, !channel.muted))}>
                  {channel.muted ? t('channels.unmute') : t('channels.mute')}
                </button>
              )}
              <button class="btn" disabled={busy} onClick={() => void act(() => blockChannel(id, !channel.blocked))}>
                {channel.blocked ? t('channels.unblock') : t('channels.block')}
              </button>
              <button class="btn" onClick={() => setReporting(true)}>
                {t('channels.report')}
              </button>
            </div>
          )}
          {channel?.blocked && <p class="muted">{t('channels.blockedNote')}</p>}
          {channel?.admin && <p class="muted">{t('channels.yours')}</p>}
          {channel && (
            <div class="form__row form__row--start coupon-entries">
              <button class="btn btn--small" onClick={() => go('coupons')}>
                {t('coupons.mine')}
              </button>
              {channel.admin && (
                <button class="btn btn--small" onClick={() => go('redeem', id)}>
                  {t('coupons.redeem')}
                </button>
              )}
              {channel.admin && (
                <button class="btn btn--small" onClick={() => go('channel-chats', id)}>
                  {t('channelChat.chats')}
                </button>
              )}
              {channel.admin && (
                <button class="btn btn--small" onClick={() => go('channel-stats', id)}>
                  {t('channelStats.title')}
                </button>
              )}
              {channel.admin && (
                <button class="btn btn--small" onClick={() => go('channel-groups', id)}>
                  {t('channels.groups.title')}
                </button>
              )}
              {channel.admin && (
                <button class="btn btn--small" onClick={() => go('channel-edit', id)}>
                  {t('channels.edit.title')}
                </button>
              )}
            </div>
          )}
        </div>
        {channel?.admin && <PostComposer id={id} langs={channel.langs} groups={feeds} />}
        {channel?.admin && <ScheduledList id={id} posted={postIds} />}
        {shown && shown.length === 0 && <p class="muted pad">{t('channels.noPosts')}</p>}
        {shown && shown.length > 0 && (
          <div class="posts" aria-label={t('channels.posts')} role="feed">
            {shown.map(({ post, group }) => (
              // a customer group's post is never counted: its readers are a list the admins wrote, and a
              // view reported under the channel could land on a channel post of the same id
              <PostView key={`${group?.id ?? id}:${post.id}`} post={post} channel={group ? undefined : id} group={group?.name} />
            ))}
          </div>
        )}
      </div>
      {reporting && <ReportSheet id={id} onClose={() => setReporting(false)} />}
    </section>
  )
}
