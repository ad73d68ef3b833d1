// A carousel post's cards: two to six, each a title, an optional description and up to five buttons.
import { CAROUSEL_CARDS } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'
import { ButtonFields } from './ButtonFields.tsx'
import { EntryFields } from './EntryFields.tsx'
import { newCard, type CardDraft } from './postDraft.ts'

export function CarouselFields({ cards, onChange }: { cards: CardDraft[]; onChange: (cards: CardDraft[]) => void }) {
  return (
    <EntryFields
      entries={cards}
      onChange={onChange}
      limits={CAROUSEL_CARDS}
      make={newCard}
      labels={{ legend: (n) => t('channels.cardN', { n }), add: t('channels.addCard'), remove: t('channels.removeCard') }}
      extra={(c, set) => <ButtonFields buttons={c.buttons} onChange={(buttons) => set({ buttons })} />}
    />
  )
}
