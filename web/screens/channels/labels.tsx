// Small pieces the channel screens share: the verified mark and the follower count as words.
import { t } from '../../app/t.ts'
import { formatNumber } from '../../i18n/format.ts'

/** Rounded by the server and never exact; null under the cohort minimum (docs/protocol.md, "Follower counts"). */
export const followersText = (n: number | null): string =>
  n === null ? t('channels.fewFollowers') : t('channels.followers', { count: n, shown: formatNumber(n) })

export function VerifiedMark() {
  return (
    <span class="row__mark channel-verified" role="img" aria-label={t('channels.verified')} title={t('channels.verified')}>
      ✓
    </span>
  )
}
