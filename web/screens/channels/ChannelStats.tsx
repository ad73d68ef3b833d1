// A channel's statistics, for its admins: the server's rounded aggregates (docs/protocol.md, "Follower
// counts") and the follower count by day over the last 30 days, drawn as a small SVG. Days under the
// cohort minimum carry no figure, so the line breaks there rather than guessing one. Below, the latest
// posts with their views and clicks, rounded and withheld under the cohort minimum the same way.
import { useEffect, useState } from 'preact/hooks'
import type { Channel, ChannelStats as Stats } from '../../../protocol/channels.ts'
import { api } from '../../account/api.ts'
import { getChannel } from '../../models/channel-actions.ts'
import { t, language } from '../../app/t.ts'
import { back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { formatChatTime, formatNumber } from '../../i18n/format.ts'
import { IconBack } from '../../components/icons.tsx'
import { UserText } from '../../components/UserText.tsx'

const DAY_MS = 86_400_000
const DAYS = 30

/** A rounded-down aggregate: "1,200+", or "Fewer than 20" when the server withholds it. */
const rounded = (n: number | null): string =>
  n === null ? t('channelStats.fewerThan20') : t('channelStats.atLeast', { n: formatNumber(n) })

/** The UTC days the chart spans, oldest first, as the server names them ('YYYY-MM-DD'). */
function lastDays(now: number): string[] {
  const today = now - (now % DAY_MS)
  return Array.from({ length: DAYS }, (_, i) => new Date(today - (DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10))
}

const dayLabel = (day: string): string =>
  new Intl.DateTimeFormat(language.value, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  )

// chart geometry, in viewBox units: the SVG scales to the card's width
const W = 320
const H = 140
const LEFT = 8
const RIGHT = W - 8
const TOP = 22
const BOTTOM = H - 24

function FollowerChart({ history }: { history: Stats['history'] }) {
  const days = lastDays(Date.now())
  const byDay = new Map(history.map((h) => [h.day, h.followers]))
  const known = history.filter((h) => h.followers !== null).map((h) => h.followers as number)
  const max = Math.max(...known, 0)
  const step = (RIGHT - LEFT) / (DAYS - 1)
  const x = (i: number) => LEFT + i * step
  const y = (n: number) => (max > 0 ? BOTTOM - (n / max) * (BOTTOM - TOP) : BOTTOM)
  // runs of days with a figure; a day under 20 ends a run, a day with no row (nobody looked) does not
  const runs: Array<Array<[number, number]>> = [[]]
  const under: number[] = []
  days.forEach((day, i) => {
    if (!byDay.has(day)) return
    const v = byDay.get(day)
    if (v === null || v === undefined) {
      under.push(i)
      if (runs[runs.length - 1].length) runs.push([])
    } else runs[runs.length - 1].push([x(i), y(v)])
  })
  const lines = runs.filter((r) => r.length > 0)
  // a lone figure is drawn a little larger, so that a chart of one day still shows something
  const lone = lines.flat().length === 1
  const summary = history.length
    ? t('channelStats.chartSummary', {
        from: dayLabel(history[0].day),
        to: dayLabel(history[history.length - 1].day),
        latest: rounded(history[history.length - 1].followers),
      })
    : t('channelStats.noHistory')
  return (
    <figure class="channel-stats__figure">
      <svg
        class="channel-stats__chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${t('channelStats.chartTitle')}: ${summary}`}
      >
        {under.map((i) => (
          <rect key={i} class="channel-stats__under" x={x(i) - step / 2} y={TOP} width={step} height={BOTTOM - TOP} />
        ))}
        <line class="channel-stats__axis" x1={LEFT} x2={RIGHT} y1={BOTTOM} y2={BOTTOM} />
        {max > 0 && <line class="channel-stats__grid" x1={LEFT} x2={RIGHT} y1={TOP} y2={TOP} />}
        {max > 0 && (
          <text class="channel-stats__tick" x={LEFT} y={TOP - 6}>
            {formatNumber(max)}
          </text>
        )}
        {lines.map((run, i) =>
          run.length > 1 ? (
            <polyline key={i} class="channel-stats__line" points={run.map(([px, py]) => `${px},${py}`).join(' ')} />
          ) : null,
        )}
        {lines.flat().map(([px, py]) => (
          <circle key={px} class="channel-stats__dot" cx={px} cy={py} r={lone ? 3.5 : 2.5} />
        ))}
        <text class="channel-stats__tick" x={LEFT} y={H - 6}>
          {dayLabel(days[0])}
        </text>
        <text class="channel-stats__tick" x={RIGHT} y={H - 6} text-anchor="end">
          {dayLabel(days[DAYS - 1])}
        </text>
      </svg>
      <figcaption class="channel-stats__legend">
        <span>
          <span class="channel-stats__key channel-stats__key--line" aria-hidden="true" />
          {t('channelStats.legendFollowers')}
        </span>
        <span>
          <span class="channel-stats__key channel-stats__key--under" aria-hidden="true" />
          {t('channelStats.legendGap')}
        </span>
      </figcaption>
      {!history.length && <p class="muted">{t('channelStats.noHistory')}</p>}
    </figure>
  )
}

function RecentPosts({ recent }: { recent: Stats['recent'] }) {
  if (!recent.length) return <p class="muted">{t('channels.noPosts')}</p>
  return (
    <ul class="stack">
      {recent.map((p) => (
        <li key={p.id} class="stack">
          <p class="channel-stats__channel">{p.preview ? <UserText text={p.preview} /> : t(`channelStats.kind.${p.kind}`)}</p>
          <time class="muted" dateTime={new Date(p.ts).toISOString()}>
            {formatChatTime(p.ts)}
          </time>
          <dl class="channel-stats__figures">
            {(
              [
                [t('channelStats.views'), p.views],
                [t('channelStats.clicks'), p.clicks],
              ] as const
            ).map(([label, n]) => (
              <div class="channel-stats__cell" key={label}>
                <dt class="muted">{label}</dt>
                <dd class={n === null ? 'channel-stats__withheld' : undefined}>{rounded(n)}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  )
}

export default function ChannelStats({ id }: { id: string }) {
  const [channel, setChannel] = useState<Channel | null>(null)
  const [stats, setStats] = useState<Stats | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    getChannel(id).then(setChannel, () => undefined)
    api<Stats>('GET', `/api/channels/${encodeURIComponent(id)}/stats`).then(setStats, (e: unknown) => setError(errorText(e)))
  }, [id])

  // [label, what is shown, withheld by the server]
  const figures: Array<[string, string, boolean]> = stats
    ? [
        [t('channelStats.followers'), rounded(stats.followers), stats.followers === null],
        [t('channelStats.followsWeek'), rounded(stats.followsWeek), stats.followsWeek === null],
        [t('channelStats.unfollowsWeek'), rounded(stats.unfollowsWeek), stats.unfollowsWeek === null],
        [t('channelStats.posts'), formatNumber(stats.posts), false],
        [t('channelStats.couponsSaved'), rounded(stats.couponsSaved), stats.couponsSaved === null],
        [t('channelStats.couponsRedeemed'), rounded(stats.couponsRedeemed), stats.couponsRedeemed === null],
      ]
    : []

  return (
    <section class="screen" aria-labelledby="channel-stats-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('chats')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="channel-stats-title">
          {t('channelStats.title')}
        </h1>
      </header>
      <div class="screen__scroll channel-stats">
        {channel && (
          <p class="pad channel-stats__channel">
            <UserText text={channel.name} /> <span class="muted">@{channel.handle}</span>
          </p>
        )}
        <p class="pad muted channel-stats__note">
          {t('channelStats.note')} {t('channelStats.when')}
        </p>
        {error && (
          <p class="pad form__error" role="alert">
            {error}
          </p>
        )}
        {!stats && !error && <div class="screen-loading" aria-busy="true" aria-label={t('app.loading')} />}
        {stats && (
          <>
            <div class="card">
              <dl class="channel-stats__figures">
                {figures.map(([label, value, withheld]) => (
                  <div class="channel-stats__cell" key={label}>
                    <dt class="muted">{label}</dt>
                    <dd class={withheld ? 'channel-stats__withheld' : undefined}>{value}</dd>
                  </div>
                ))}
              </dl>
            </div>
            <div class="card">
              <h2 class="card__title">{t('channelStats.chartTitle')}</h2>
              <FollowerChart history={stats.history} />
            </div>
            <div class="card">
              <h2 class="card__title">{t('channelStats.recentTitle')}</h2>
              <p class="muted channel-stats__note">{t('channelStats.recentNote')}</p>
              <RecentPosts recent={stats.recent} />
            </div>
          </>
        )}
      </div>
    </section>
  )
}
