// What can be done to a followed channel from the chat list: mute its pushes, or unfollow it in one tap
// (nobody is told: docs/protocol.md, "Channels").
import { useState } from 'preact/hooks'
import type { ChannelListItem } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { UserText } from '../../components/UserText.tsx'

type ChannelActionsModule = typeof import('../../models/channel-actions.ts')

export function ChannelActions({ channel, onClose }: { channel: ChannelListItem; onClose: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  // the channels' code is loaded on first use: the chat list's first paint does without it
  const run = (fn: (m: ChannelActionsModule) => Promise<unknown>) => async (): Promise<void> => {
    setBusy(true)
    setError('')
    try {
      await fn(await import('../../models/channel-actions.ts'))
      onClose()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Sheet title={<UserText text={channel.name} />} onClose={onClose}>
      <div class="stack">
        <button class="btn btn--block" disabled={busy} onClick={run((m) => m.muteChannel(channel.id, !channel.muted))}>
          {channel.muted ? t('channels.unmute') : t('channels.mute')}
        </button>
        <button class="btn btn--block btn--danger" disabled={busy} onClick={run((m) => m.follow(channel.id, false))}>
          {t('channels.unfollow')}
        </button>
        {error && (
          <p class="form__error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Sheet>
  )
}
