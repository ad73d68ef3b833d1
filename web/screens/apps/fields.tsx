// An app's details as its owner types them: a name, its web domains one per line, a launch URL template
// and a webhook URL. Checked by the server only, so that what it refuses is said once, as it says it.
import type { App, AppFields } from '../../models/apps.ts'
import { t } from '../../app/t.ts'

/** The form's state: the domains as typed, one per line. */
export interface Draft {
  name: string
  domains: string
  launchUrl: string
  webhookUrl: string
}

export const emptyDraft = (): Draft => ({ name: '', domains: '', launchUrl: '', webhookUrl: '' })

export const draftOf = (a: App): Draft => ({
  name: a.name,
  domains: a.domains.join('\n'),
  launchUrl: a.launchUrl ?? '',
  webhookUrl: a.webhookUrl ?? '',
})

export const fieldsOf = (d: Draft): AppFields => ({
  name: d.name.trim(),
  domains: d.domains
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean),
  launchUrl: d.launchUrl.trim(),
  webhookUrl: d.webhookUrl.trim(),
})

export function AppFieldsInputs({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const set = (k: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    onChange({ ...draft, [k]: e.currentTarget.value })
  // each hint is the field's description, not part of its name (a screen reader says the name first)
  return (
    <>
      <label class="field">
        <span class="field__label">{t('apps.name')}</span>
        <input name="name" required maxLength={50} value={draft.name} onInput={set('name')} />
      </label>
      <div class="field">
        <label class="field__label" for="app-domains">
          {t('apps.domains')}
        </label>
        <textarea
          id="app-domains"
          name="domains"
          rows={3}
          required
          autoCapitalize="none"
          spellcheck={false}
          placeholder="https://game.example"
          value={draft.domains}
          onInput={set('domains')}
          aria-describedby="app-domains-hint"
        />
        <span class="field__hint" id="app-domains-hint">
          {t('apps.domainsHint')}
        </span>
      </div>
      <div class="field">
        <label class="field__label" for="app-launch">
          {t('apps.launchUrl')}
        </label>
        <input
          id="app-launch"
          name="launchUrl"
          autoCapitalize="none"
          spellcheck={false}
          placeholder="mygame://open?{params}"
          value={draft.launchUrl}
          onInput={set('launchUrl')}
          aria-describedby="app-launch-hint"
        />
        <span class="field__hint" id="app-launch-hint">
          {t('apps.launchUrlHint')}
        </span>
      </div>
      <div class="field">
        <label class="field__label" for="app-webhook">
          {t('apps.webhookUrl')}
        </label>
        <input
          id="app-webhook"
          name="webhookUrl"
          type="url"
          autoCapitalize="none"
          spellcheck={false}
          placeholder="https://game.example/sori-webhook"
          value={draft.webhookUrl}
          onInput={set('webhookUrl')}
          aria-describedby="app-webhook-hint"
        />
        <span class="field__hint" id="app-webhook-hint">
          {t('apps.webhookUrlHint')}
        </span>
      </div>
    </>
  )
}
