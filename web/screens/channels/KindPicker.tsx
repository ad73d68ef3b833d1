// The kind of post the composer writes: text, a photo, a wide photo, a video, a list or a carousel.
import { POST_KINDS, type PostKind } from '../../../protocol/channels.ts'
import { t } from '../../app/t.ts'

export function KindPicker({ kind, onChange }: { kind: PostKind; onChange: (k: PostKind) => void }) {
  return (
    <div class="field">
      <span class="field__label" id="compose-kind">
        {t('channels.kind')}
      </span>
      {/* toggle buttons rather than radios: each says whether it is the chosen kind, and Tab reaches every one */}
      <div class="segmented segmented--kinds" role="group" aria-labelledby="compose-kind">
        {POST_KINDS.map((k) => (
          <button key={k} type="button" class="segmented__item" aria-pressed={k === kind} onClick={() => onChange(k)}>
            {t(`channels.kinds.${k}`)}
          </button>
        ))}
      </div>
    </div>
  )
}
