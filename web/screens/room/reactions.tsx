// The reactions as they are drawn: one emoji each (the document holds their names, protocol/messages.ts),
// the chips under a bubble, and the row to pick one from in the message sheet.
import { REACTIONS, type Reaction } from '../../../protocol/messages.ts'
import type { MessageView } from '../../models/index.ts'
import { t } from '../../app/t.ts'

export const REACTION_EMOJI: Record<Reaction, string> = {
  like: '👍',
  love: '❤️',
  laugh: '😂',
  wow: '😮',
  sad: '😢',
  ok: '👌',
}

const nameOf = (r: Reaction): string => t(`room.reaction.${r}`)

/** Under a bubble: each reaction with its count, mine pressed; tapping mine takes it back, another puts mine there. */
export function ReactionChips({ m, onReact }: { m: MessageView; onReact: (reaction: Reaction | null) => void }) {
  if (m.reactions.length === 0 || m.retracted) return null
  return (
    <div class="reacts">
      {m.reactions.map((r) => (
        <button
          key={r.reaction}
          type="button"
          class={`reacts__chip${r.mine ? ' reacts__chip--mine' : ''}`}
          data-reaction={r.reaction}
          aria-pressed={r.mine}
          aria-label={`${nameOf(r.reaction)} ${r.count}`}
          onClick={() => onReact(r.mine ? null : r.reaction)}
        >
          <span aria-hidden="true">{REACTION_EMOJI[r.reaction]}</span>
          <span aria-hidden="true">{r.count}</span>
        </button>
      ))}
    </div>
  )
}

/** The message sheet's row of reactions: mine is pressed, and choosing it again takes it back. */
export function ReactionPicker({ m, onReact }: { m: MessageView; onReact: (reaction: Reaction | null) => void }) {
  const mine = m.reactions.find((r) => r.mine)?.reaction
  return (
    <div class="react-picker" role="group" aria-label={t('room.reactions')}>
      {REACTIONS.map((r) => (
        <button
          key={r}
          type="button"
          class="react-picker__btn"
          data-reaction={r}
          aria-pressed={r === mine}
          aria-label={nameOf(r)}
          onClick={() => onReact(r === mine ? null : r)}
        >
          <span aria-hidden="true">{REACTION_EMOJI[r]}</span>
        </button>
      ))}
    </div>
  )
}
