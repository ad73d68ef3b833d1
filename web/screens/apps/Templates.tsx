// The templates an app's server stored (sendCustom): their ids, which its pages send by, and deleting one.
import { useEffect, useState } from 'preact/hooks'
import { deleteTemplate, listTemplates, templateTitle, type StoredTemplate } from '../../models/apps.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { ConfirmSheet } from '../../components/Confirm.tsx'

export function Templates({ appId }: { appId: string }) {
  const [list, setList] = useState<StoredTemplate[] | null>(null)
  const [error, setError] = useState('')
  const [deleting, setDeleting] = useState<StoredTemplate | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    listTemplates(appId).then(setList, (e: unknown) => setError(errorText(e)))
  }, [appId])

  async function remove(tpl: StoredTemplate) {
    setBusy(true)
    setError('')
    try {
      await deleteTemplate(appId, tpl.id)
      setList((l) => l?.filter((x) => x.id !== tpl.id) ?? null)
      setDeleting(null)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="app-templates-title">
      <h2 class="card__title" id="app-templates-title">
        {t('apps.templates')}
      </h2>
      {!deleting && (
        <p class="form__error" role="alert">
          {error}
        </p>
      )}
      {list?.length === 0 && <p class="muted">{t('apps.templatesNone')}</p>}
      {list && list.length > 0 && (
        <ul class="apps__templates">
          {list.map((tpl) => (
            <li key={tpl.id} class="apps__template">
              <span class="apps__template-body">
                <code class="apps__code" dir="ltr">
                  {tpl.id}
                </code>
                <span class="muted apps__template-title">
                  {tpl.template.type} · {templateTitle(tpl.template)}
                </span>
              </span>
              <button class="btn btn--small btn--danger" onClick={() => setDeleting(tpl)}>
                {t('apps.templateDelete')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmSheet
          title={t('apps.templateDelete')}
          text={t('apps.templateDeleteConfirm', { id: deleting.id })}
          action={t('apps.templateDelete')}
          busy={busy}
          error={error}
          onConfirm={() => void remove(deleting)}
          onCancel={() => {
            setDeleting(null)
            setError('')
          }}
        />
      )}
    </section>
  )
}
