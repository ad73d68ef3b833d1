// New group chat: pick friends, name it, create, open it.
import { useState } from 'preact/hooks'
import { createGroup } from '../../models/index.ts'
import { MAX_TITLE_CHARS } from '../../../protocol/limits.ts'
import { t } from '../../app/t.ts'
import { back, go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { FriendPicker } from '../../components/FriendPicker.tsx'
import { IconBack } from '../../components/icons.tsx'

export default function NewGroup() {
  const [picked, setPicked] = useState<string[]>([])
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  async function create(e: Event) {
    e.preventDefault()
    if (picked.length === 0) {
      setError(t('newGroup.pickSomeone'))
      return
    }
    setBusy(true)
    setError('')
    try {
      const id = await createGroup(title.trim(), picked)
      go('chat', id, true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="newgroup-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back()} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="newgroup-title">
          {t('newGroup.title')}
        </h1>
      </header>
      <form class="form form--screen" onSubmit={create}>
        <label class="field">
          <span class="field__label">{t('newGroup.name')}</span>
          <input
            name="title"
            maxLength={MAX_TITLE_CHARS}
            value={title}
            placeholder={t('newGroup.namePlaceholder')}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <h2 class="section-title">
          {t('newGroup.pick')} <span class="muted">{t('newGroup.picked', { count: picked.length })}</span>
        </h2>
        <FriendPicker picked={picked} onChange={setPicked} />
        <p class="form__error" role="alert">
          {error}
        </p>
        <div class="form__footer">
          <button class="btn btn--primary btn--block" type="submit" disabled={busy || picked.length === 0}>
            {t('newGroup.create')}
          </button>
        </div>
      </form>
    </section>
  )
}
