// The buttons of a post or of a carousel card: up to five, each a label and the web page it opens.
import { MAX_BUTTON_LABEL_CHARS, MAX_POST_BUTTONS, type PostButton } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'

export function ButtonFields({ buttons, onChange }: { buttons: PostButton[]; onChange: (buttons: PostButton[]) => void }) {
  const set = (i: number, b: Partial<PostButton>) => onChange(buttons.map((x, j) => (j === i ? { ...x, ...b } : x)))
  return (
    <>
      {buttons.map((b, i) => (
        <fieldset key={i} class="post-button-field">
          <legend>{t('channels.buttonN', { n: i + 1 })}</legend>
          <label class="field">
            <span class="field__label">{t('channels.buttonLabel')}</span>
            <input maxLength={MAX_BUTTON_LABEL_CHARS} value={b.label} onInput={(e) => set(i, { label: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.buttonUrl')}</span>
            <input type="url" placeholder="https://" value={b.url} onInput={(e) => set(i, { url: e.currentTarget.value })} />
          </label>
          <button type="button" class="btn btn--small" onClick={() => onChange(buttons.filter((_, j) => j !== i))}>
            {t('channels.removeButton')}
          </button>
        </fieldset>
      ))}
      {buttons.length < MAX_POST_BUTTONS && (
        <button type="button" class="btn btn--small" onClick={() => onChange([...buttons, { label: '', url: '' }])}>
          {t('channels.addButton')}
        </button>
      )}
    </>
  )
}
