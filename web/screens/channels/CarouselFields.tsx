// A carousel post's cards: two to six, each a title, an optional description and up to five buttons.
import { CAROUSEL_CARDS, MAX_ITEM_DESCRIPTION_CHARS, MAX_ITEM_TITLE_CHARS } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'
import { ButtonFields } from './ButtonFields.tsx'
import { newCard, type CardDraft } from './postDraft.ts'

export function CarouselFields({ cards, onChange }: { cards: CardDraft[]; onChange: (cards: CardDraft[]) => void }) {
  const set = (i: number, d: Partial<CardDraft>) => onChange(cards.map((x, j) => (j === i ? { ...x, ...d } : x)))
  return (
    <div class="entry-fields">
      {cards.map((c, i) => (
        <fieldset key={i} class="entry-field">
          <legend>{t('channels.cardN', { n: i + 1 })}</legend>
          <label class="field">
            <span class="field__label">{t('channels.entryTitle')}</span>
            <input maxLength={MAX_ITEM_TITLE_CHARS} value={c.title} onInput={(e) => set(i, { title: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span class="field__label">{t('channels.entryDescription')}</span>
            <textarea
              rows={2}
              maxLength={MAX_ITEM_DESCRIPTION_CHARS}
              value={c.description}
              onInput={(e) => set(i, { description: e.currentTarget.value })}
            />
          </label>
          <ButtonFields buttons={c.buttons} onChange={(buttons) => set(i, { buttons })} />
          {cards.length > CAROUSEL_CARDS.min && (
            <button type="button" class="btn btn--small" onClick={() => onChange(cards.filter((_, j) => j !== i))}>
              {t('channels.removeCard')}
            </button>
          )}
        </fieldset>
      ))}
      {cards.length < CAROUSEL_CARDS.max && (
        <button type="button" class="btn btn--small" onClick={() => onChange([...cards, newCard()])}>
          {t('channels.addCard')}
        </button>
      )}
    </div>
  )
}
