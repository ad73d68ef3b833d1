// What can be done to a chat from the list: mute, pin, archive, and leave (a group, asked first) or
// delete from the list (a 1:1 chat: it comes back with the next message).
import { useState } from 'preact/hooks'
import { archiveChat, chatSettings, hideChat, leave, pinChat, type ChatListItem } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { Confirm } from '../../components/Confirm.tsx'
import { Sheet } from '../../components/Sheet.tsx'
import { MuteChoices } from './MuteChoices.tsx'
import { UserText } from '../../components/UserText.tsx'

export function ChatActions({ chat, title, onClose }: { chat: ChatListItem; title: string; onClose: () => void }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const settings = chatSettings.value.get(chat.id)
  const done = (fn: () => void) => () => {
    fn()
    onClose()
  }
  const leaveNow = async (): Promise<void> => {
    setBusy(true)
    setError('')
    try {
      await leave(chat.id)
      onClose()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Sheet title={<UserText text={title} />} onClose={onClose}>
      {asking ? (
        <Confirm
          text={t('members.leaveConfirm')}
          action={t('members.leave')}
          busy={busy}
          error={error}
          onConfirm={() => void leaveNow()}
          onCancel={() => setAsking(false)}
        />
      ) : (
        <div class="stack">
          <MuteChoices id={chat.id} onDone={onClose} />
          <button class="btn btn--block" onClick={done(() => pinChat(chat.id, settings?.pinned === undefined))}>
            {settings?.pinned === undefined ? t('chats.pin') : t('chats.unpin')}
          </button>
          <button class="btn btn--block" onClick={done(() => archiveChat(chat.id, !settings?.archived))}>
            {settings?.archived ? t('chats.unarchive') : t('chats.archive')}
          </button>
          {chat.kind === 'group' ? (
            <button class="btn btn--block btn--danger" onClick={() => setAsking(true)}>
              {t('members.leave')}
            </button>
          ) : (
            <button class="btn btn--block btn--danger" onClick={done(() => hideChat(chat.id, chat.ts))}>
              {t('chats.hide')}
            </button>
          )}
        </div>
      )}
    </Sheet>
  )
}

// one chunk for every sheet of the chat list's rows
export { ChannelActions } from './ChannelActions.tsx'
