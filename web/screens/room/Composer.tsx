// The composer: a textarea that grows with its text, Enter to send where there is a hardware keyboard
// (Shift+Enter for a new line; never while an IME is composing Hangul, kana or pinyin), a send button
// for thumbs. It also shows what is being replied to or edited, and in a group the members an "@" could name.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Profile } from '../../../protocol/api.ts'
import { MAX_MESSAGE_CHARS } from '../../../protocol/limits.ts'
import { t } from '../../app/t.ts'
import { IconClose, IconMic, IconPlus, IconSend } from '../../components/icons.tsx'
import { isolate, UserText } from '../../components/UserText.tsx'
import { RecordingBar, useVoiceRecorder } from './VoiceRecorder.tsx'
import { mentionAt, mentionMatches, withMention, type MentionAt } from './mentions.ts'
import { MENTION_LIST_ID, MentionList, mentionOptionId } from './MentionList.tsx'

export type Mode =
  | { kind: 'new' }
  // mine: a reply to my own message, said as such ("Replying to yourself"), not with my name for myself
  | { kind: 'reply'; id: string; name: string; mine: boolean; text: string }
  | { kind: 'edit'; id: string; page: number; text: string }

interface Props {
  mode: Mode
  onCancelMode: () => void
  onSend: (text: string) => void
  onTyping: (on: boolean) => void
  /** photos and files picked, pasted or dropped */
  onFiles: (files: File[]) => void
  /** a voice note recorded (`dur` ms) */
  onVoice: (blob: Blob, dur: number) => void
  disabled?: boolean
  /** a group's other members, whom "@" offers to mention */
  mentionable?: readonly Profile[]
}

const MAX_HEIGHT = 140
const desktopKeyboard = () => matchMedia('(hover: hover) and (pointer: fine)').matches

export function Composer({ mode, onCancelMode, onSend, onTyping, onFiles, onVoice, disabled, mentionable }: Props) {
  const voice = useVoiceRecorder(onVoice)
  const [text, setText] = useState('')
  const [mention, setMention] = useState<MentionAt | null>(null)
  const [active, setActive] = useState(0)
  const offered = mention && mentionable ? mentionMatches(mentionable, mention.query) : []
  const current = Math.min(active, offered.length - 1)
  const caretMoved = () => {
    const el = area.current
    setMention(el && mentionable?.length ? mentionAt(el.value, el.selectionStart) : null)
    setActive(0)
  }
  function pick(p: Profile) {
    const el = area.current
    if (!mention || !el) return
    const next = withMention(text, mention, p.handle)
    input(next.text)
    setMention(null)
    // after the render that puts the text in: the caret goes after the name and its space
    requestAnimationFrame(() => el.setSelectionRange(next.caret, next.caret))
  }
  const area = useRef<HTMLTextAreaElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const typingTimer = useRef(0)

  useEffect(() => {
    if (mode.kind === 'edit') setText(mode.text)
    if (mode.kind !== 'new') area.current?.focus()
  }, [mode])
  // a chat opens with the focus on its title (a screen reader says which chat): typing with a keyboard
  // there, or on the messages, goes into the box, as in KakaoTalk's desktop app
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = area.current
      const at = document.activeElement
      if (!el || el.disabled || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return
      if (e.key.length !== 1 || e.key === ' ') return
      // from the chat (its title, its messages) or from nowhere: not from a field, the chat list beside it,
      // nor a sheet or dialog over it
      if (at && at !== document.body && (!at.closest('.room') || at.closest('input, textarea, select, [contenteditable]'))) return
      if (document.querySelector('dialog[open], [role=dialog]')) return
      el.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  useEffect(() => {
    const el = area.current
    if (!el) return
    el.style.height = 'auto'
    el.style.height = Math.min(el.scrollHeight, MAX_HEIGHT) + 'px'
  }, [text])
  useEffect(
    () => () => {
      clearTimeout(typingTimer.current)
      onTyping(false)
    },
    [],
  )

  function input(value: string) {
    setText(value)
    onTyping(value.length > 0)
    clearTimeout(typingTimer.current)
    typingTimer.current = window.setTimeout(() => onTyping(false), 4000)
  }
  function submit() {
    const body = text.trim()
    if (!body || body.length > MAX_MESSAGE_CHARS) return
    onSend(body)
    setText('')
    setMention(null)
    clearTimeout(typingTimer.current)
    onTyping(false)
    area.current?.focus()
  }

  return (
    <div class="composer">
      {offered.length > 0 && <MentionList people={offered} active={current} onPick={pick} />}
      {mode.kind !== 'new' && (
        <div class="composer__mode">
          <span class="composer__mode-text">
            <strong>
              {mode.kind === 'reply'
                ? mode.mine
                  ? t('room.replyingToMine')
                  : t('room.replyingTo', { name: isolate(mode.name) })
                : t('room.editing')}
            </strong>
            <UserText class="composer__mode-quote" text={mode.text} />
          </span>
          <button
            class="icon-btn icon-btn--small"
            onClick={() => {
              onCancelMode()
              if (mode.kind === 'edit') setText('')
            }}
            aria-label={t('app.cancel')}
          >
            <IconClose />
          </button>
        </div>
      )}
      {voice.error && (
        <p class="composer__error" role="alert">
          {voice.error}
        </p>
      )}
      {voice.recording ? (
        <RecordingBar elapsed={voice.elapsed} onSend={voice.send} onCancel={voice.cancel} />
      ) : (
        <form
          class="composer__row"
          onSubmit={(e) => {
            e.preventDefault()
            submit()
          }}
        >
          <button
            type="button"
            class="composer__attach"
            disabled={disabled || mode.kind === 'edit'}
            aria-label={t('media.attach')}
            onClick={() => picker.current?.click()}
          >
            <IconPlus />
          </button>
          <button {...voice.micProps} disabled={disabled || mode.kind === 'edit'}>
            <IconMic />
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])]
              e.currentTarget.value = ''
              onFiles(files)
            }}
          />
          <label class="visually-hidden" for="composer-text">
            {t('room.message')}
          </label>
          <textarea
            id="composer-text"
            ref={area}
            rows={1}
            value={text}
            placeholder={t('room.placeholder')}
            maxLength={MAX_MESSAGE_CHARS}
            disabled={disabled}
            // an on-screen keyboard's Enter starts a new line here (the Send button sends): its key says so
            enterkeyhint="enter"
            aria-autocomplete={mentionable ? 'list' : undefined}
            aria-controls={offered.length > 0 ? MENTION_LIST_ID : undefined}
            aria-activedescendant={offered.length > 0 ? mentionOptionId(offered[current]) : undefined}
            onInput={(e) => {
              input(e.currentTarget.value)
              caretMoved()
            }}
            onClick={caretMoved}
            onKeyUp={(e) => {
              if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) caretMoved()
            }}
            onPaste={(e) => {
              const files = [...(e.clipboardData?.files ?? [])]
              if (files.length === 0) return
              e.preventDefault()
              onFiles(files)
            }}
            onKeyDown={(e) => {
              if (offered.length > 0 && !e.isComposing) {
                const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0
                if (step) {
                  e.preventDefault()
                  setActive((current + step + offered.length) % offered.length)
                  return
                }
                if (e.key === 'Enter' || e.key === 'Tab') {
                  e.preventDefault()
                  pick(offered[current])
                  return
                }
                if (e.key === 'Escape') {
                  e.preventDefault()
                  setMention(null)
                  return
                }
              }
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229 && desktopKeyboard()) {
                e.preventDefault()
                submit()
              }
              if (e.key === 'Escape' && mode.kind !== 'new') {
                onCancelMode()
                if (mode.kind === 'edit') setText('')
              }
            }}
          />
          <button
            class="composer__send"
            type="submit"
            disabled={disabled || !text.trim()}
            aria-label={mode.kind === 'edit' ? t('room.saveEdit') : t('room.send')}
          >
            <IconSend />
          </button>
        </form>
      )}
    </div>
  )
}
