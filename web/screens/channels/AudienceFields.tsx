// Who a post is for: everyone who follows the channel, followers who use Sori in some of its languages, or
// one of its customer groups (whose post goes to the group's feed, now and to every language).
import { t } from '../../app/t.ts'
import { languageName } from '../../i18n/format.ts'

export function AudienceFields({
  langs,
  groups,
  audience,
  group,
  onAudience,
  onGroup,
}: {
  langs: readonly string[]
  groups: readonly { id: string; name: string }[]
  audience: string[]
  /** '' for the channel's own feed */
  group: string
  onAudience: (langs: string[]) => void
  onGroup: (id: string) => void
}) {
  if (langs.length < 2 && groups.length === 0) return null
  return (
    <fieldset class="audience">
      <legend class="field__label">{t('channels.audience')}</legend>
      {groups.length > 0 && (
        <label class="field">
          <span class="field__label">{t('channels.groups.pick')}</span>
          <select value={group} onChange={(e) => onGroup(e.currentTarget.value)}>
            <option value="">{t('channels.groups.everyone')}</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="muted">
        {group
          ? t('channels.groups.audienceGroup')
          : audience.length
            ? t('channels.audienceSome')
            : langs.length > 1
              ? t('channels.audienceAll')
              : t('channels.groups.audienceEveryone')}
      </p>
      {langs.length > 1 &&
        langs.map((l) => (
          <label class="check" key={l}>
            <input
              type="checkbox"
              disabled={!!group}
              checked={!group && audience.includes(l)}
              onChange={(e) => {
                const on = e.currentTarget.checked
                onAudience(on ? [...audience, l] : audience.filter((x) => x !== l))
              }}
            />
            <span>{languageName(l)}</span>
          </label>
        ))}
    </fieldset>
  )
}
