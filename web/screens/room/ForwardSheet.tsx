// Where to forward a message: the other chats, newest first; picking one sends the text there as a new
// message of mine.
import { chatList, type MessageView } from '../../models/index.ts'
import { forward } from '../../models/room.ts'
import { t } from '../../app/t.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { UserText } from '../../components/UserText.tsx'

export function ForwardSheet({ m, convId, onClose }: { m: MessageView; convId: string; onClose: () => void }) {
  const others = chatList.value.filter((c) => c.id !== convId)
  return (
    <Sheet title={t('room.forwardTo')} onClose={onClose}>
      <p class="sheet__quote">
        <UserText text={m.body} />
      </p>
      {others.length === 0 ? (
        <p>{t('room.forwardNone')}</p>
      ) : (
        <ul class="list forward-list" aria-label={t('room.forwardTo')}>
          {others.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class="row row--button"
                onClick={() => {
                  void forward(c.id, m.body)
                  onClose()
                }}
              >
                <UserText
                  class="row__title"
                  text={
                    c.title || (c.kind === 'group' ? t('chats.groupUntitled', { count: c.members }) : t('chats.directUntitled'))
                  }
                />
              </button>
            </li>
          ))}
        </ul>
      )}
    </Sheet>
  )
}
