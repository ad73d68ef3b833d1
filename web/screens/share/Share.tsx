// `#/share/<appKey>`: Sori Link's share screen (docs/sdk.md), a window an app's page opened with the SDK.
// It tells the page it is ready, takes the page's card (a `sori:share` message, accepted only from the
// window that opened it and only from one of the app's registered origins), asks the server for a share
// ticket bound to that origin, shows the card as the chat will show it, and sends it into the chats the
// user picks. The page hears back how many chats it went to, or that the user cancelled; nothing else.
import { useEffect, useRef, useState } from 'preact/hooks'
import { SHARE_TICKET_MAX_CHATS, type AppPublic, type ShareTicket } from '../../../protocol/link.ts'
import { APP_KEY_RE } from '../../../protocol/link-ids.ts'
import { api, ApiFailure } from '../../account/api.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { openDirect } from '../../models/index.ts'
import { isolate } from '../../components/UserText.tsx'
import { LinkCard } from '../room/LinkCard.tsx'
import { ChatChoice, type Choice } from './ChatChoice.tsx'
import { listenForRequest, reply, sayReady, type ShareRequest } from './opener.ts'
import { appendToChat } from '../../models/append.ts'

/** how long the window waits for the server to hold the sent cards before it says they wait to be sent */
const ACK_MS = 15_000

type State =
  | { step: 'loading' }
  | { step: 'failed'; text: string }
  | { step: 'waiting'; app: AppPublic }
  | { step: 'ticket'; app: AppPublic; origin: string; id: string }
  | { step: 'pick'; app: AppPublic; origin: string; id: string; ticket: ShareTicket }
  | { step: 'sending'; app: AppPublic; origin: string; id: string; ticket: ShareTicket }
  | { step: 'sent'; app: AppPublic; count: number; queued: boolean }

function ticketBody(appKey: string, r: ShareRequest): Record<string, unknown> {
  const b: Record<string, unknown> = { appKey, origin: r.origin }
  if (r.templateId !== undefined) b.templateId = r.templateId
  else b.template = r.template
  if (r.args !== undefined) b.args = r.args
  return b
}

export default function Share({ appKey }: { appKey: string }) {
  const [state, setState] = useState<State>({ step: 'loading' })
  const [picked, setPicked] = useState<Choice[]>([])
  const [error, setError] = useState('')
  // the page is told once whether it was sent or cancelled
  const answered = useRef(false)

  useEffect(() => {
    // a key mistyped or cut short (an address opened by hand) names no app: said at once, nothing asked
    if (!APP_KEY_RE.test(appKey)) return setState({ step: 'failed', text: t('share.unknownApp') })
    let live = true
    let stop = () => {}
    api<AppPublic>('GET', `/api/apps/key/${encodeURIComponent(appKey)}`).then(
      (app) => {
        if (!live) return
        if (app.disabled) return setState({ step: 'failed', text: t('share.disabled') })
        if (!window.opener) return setState({ step: 'failed', text: t('share.noOpener', { app: isolate(app.name) }) })
        setState({ step: 'waiting', app })
        stop = listenForRequest(app.domains, (r) => {
          stop()
          setState({ step: 'ticket', app, origin: r.origin, id: r.id })
          api<ShareTicket>('POST', '/api/share/tickets', ticketBody(appKey, r)).then(
            (ticket) => live && setState({ step: 'pick', app, origin: r.origin, id: r.id, ticket }),
            (e: unknown) => {
              // the page's developer reads why (an origin not registered, a template out of its limits)
              reply(r.origin, { type: 'sori:error', id: r.id, message: e instanceof Error ? e.message : String(e) })
              answered.current = true
              if (live) setState({ step: 'failed', text: errorText(e) })
            },
          )
        })
        sayReady(app.domains)
      },
      (e: unknown) => {
        if (!live) return
        setState({ step: 'failed', text: e instanceof ApiFailure && e.status === 404 ? t('share.unknownApp') : errorText(e) })
      },
    )
    return () => {
      live = false
      stop()
    }
  }, [appKey])

  useEffect(() => {
    if (state.step === 'pick') performance.mark('sori:share-interactive')
  }, [state.step])

  const app = 'app' in state ? state.app : null

  function cancel() {
    if (!answered.current && 'origin' in state) reply(state.origin, { type: 'sori:cancel', id: state.id })
    answered.current = true
    window.close()
  }
  // Escape cancels, as it closes any dialog (not while a send is on its way)
  const onEscape = useRef(cancel)
  onEscape.current = () => state.step !== 'sending' && cancel()
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onEscape.current()
    }
    addEventListener('keydown', key)
    return () => removeEventListener('keydown', key)
  }, [])

  async function send() {
    if (state.step !== 'pick' || picked.length === 0) return
    const { ticket, origin, id } = state
    setState({ ...state, step: 'sending' })
    setError('')
    const link = {
      ticket: ticket.id,
      app: ticket.app,
      template: ticket.template,
      ...(ticket.templateId !== undefined ? { templateId: ticket.templateId } : {}),
    }
    try {
      // a friend without a 1:1 chat gets one first (online only, as the ticket was)
      const chats = await Promise.all(picked.map((p) => ('chat' in p ? p.chat : openDirect(p.friend))))
      const held = await Promise.all(chats.map((c) => appendToChat(c, { kind: 'link', body: '', link }, ACK_MS)))
      reply(origin, { type: 'sori:done', id, sent: chats.length })
      answered.current = true
      const queued = held.some((h) => !h)
      setState({ step: 'sent', app: state.app, count: chats.length, queued })
      // a window the page opened may be closed by its script; when the browser keeps it, the screen says what happened
      if (!queued) window.close()
    } catch (e) {
      setError(errorText(e))
      setState({ ...state, step: 'pick' })
    }
  }

  return (
    <section class="screen share" aria-labelledby="share-title">
      <header class="topbar">
        <h1 class="topbar__title" id="share-title">
          {app ? t('share.title', { app: isolate(app.name) }) : t('share.titlePlain')}
        </h1>
      </header>
      <div class="share__body">
        {state.step === 'loading' && <p class="muted pad">{t('app.loading')}</p>}
        {state.step === 'failed' && (
          <p class="form__error pad" role="alert">
            {state.text}
          </p>
        )}
        {(state.step === 'waiting' || state.step === 'ticket') && (
          <p class="muted pad" role="status">
            {t('share.waiting', { app: isolate(state.app.name) })}
          </p>
        )}
        {(state.step === 'pick' || state.step === 'sending') && (
          <>
            <div class="share__preview" aria-label={t('share.preview')} role="group">
              <div class="msg__bubble">
                <LinkCard preview link={{ ticket: state.ticket.id, app: state.ticket.app, template: state.ticket.template }} />
              </div>
            </div>
            <h2 class="share__heading">{t('share.to', { max: SHARE_TICKET_MAX_CHATS })}</h2>
            <ChatChoice picked={picked} max={SHARE_TICKET_MAX_CHATS} onChange={setPicked} />
          </>
        )}
        {state.step === 'sent' && (
          <p class="pad" role="status">
            {state.queued ? t('share.queued', { count: state.count }) : t('share.sent', { count: state.count })}
          </p>
        )}
      </div>
      <footer class="share__actions">
        <p class="form__error" role="alert">
          {error}
        </p>
        {state.step === 'sent' ? (
          <button type="button" class="btn btn--primary btn--block" onClick={() => window.close()}>
            {t('share.back', { app: isolate(state.app.name) })}
          </button>
        ) : (
          <div class="share__buttons">
            <button type="button" class="btn" onClick={cancel}>
              {t('share.cancel')}
            </button>
            <button
              type="button"
              class="btn btn--primary"
              disabled={state.step !== 'pick' || picked.length === 0}
              onClick={() => void send()}
            >
              {state.step === 'sending'
                ? t('share.sending')
                : picked.length > 0
                  ? t('share.sendTo', { count: picked.length })
                  : t('share.send')}
            </button>
          </div>
        )}
      </footer>
    </section>
  )
}
