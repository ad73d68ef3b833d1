// `#/c/<handle>`: the address a brand's "Add channel" button on its own web page opens (docs/protocol.md,
// "Add channel button"). It finds the channel by its @ID and shows its home, where Follow is one tap.
import { useEffect, useState } from 'preact/hooks'
import { searchChannels } from '../../models/channel-actions.ts'
import { t } from '../../app/t.ts'
import { arrive, back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { IconBack } from '../../components/icons.tsx'

export default function ByHandle({ handle }: { handle: string }) {
  const [missing, setMissing] = useState('')
  useEffect(() => {
    const want = handle.toLowerCase()
    searchChannels(`@${want}`, '').then(
      (r) => {
        const c = r.channels.find((x) => x.handle === want)
        if (c) arrive('channel', c.id)
        else setMissing(t('channels.none'))
      },
      (e: unknown) => setMissing(errorText(e)),
    )
  }, [handle])
  return (
    <section class="screen" aria-labelledby="byhandle-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('channels')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="byhandle-title">
          @{handle}
        </h1>
      </header>
      <p class="muted pad" role="status">
        {missing || t('app.loading')}
      </p>
    </section>
  )
}
