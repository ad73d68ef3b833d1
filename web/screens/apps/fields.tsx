// An app's details as its owner types them: a name, its web domains one per line, a launch URL template
// and a webhook URL. Checked by the server only, so that what it refuses is said once, as it says it.
import type { App, AppFields } from '../../models/apps.ts'
import type { ComponentChildren } from 'preact'
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

/**
 * A field whose hint is its description, not part of its name (a screen reader says the name first):
 * `children` is the control, with `id` and `aria-describedby={`${id}-hint`}`.
 */
function Hinted({ id, label, hint, children }: { id: string; label: string; hint: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label class="field__label" for={id}>
        {label}
      </label>
      {children}
      <span class="field__hint" id={`${id}-hint`}>
        {hint}
      </span>
    </div>
  )
}

export function AppFieldsInputs({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const set = (k: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
    onChange({ ...draft, [k]: e.currentTarget.value })
  return (
    <>
      <label class="field">
        <span class="field__label">{t('apps.name')}</span>
        <input name="name" required maxLength={50} value={draft.name} onInput={set('name')} />
      </label>
      <Hinted id="app-domains" label={t('apps.domains')} hint={t('apps.domainsHint')}>
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
      </Hinted>
      <Hinted id="app-launch" label={t('apps.launchUrl')} hint={t('apps.launchUrlHint')}>
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
      </Hinted>
      <Hinted id="app-webhook" label={t('apps.webhookUrl')} hint={t('apps.webhookUrlHint')}>
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
      </Hinted>
    </>
  )
}
