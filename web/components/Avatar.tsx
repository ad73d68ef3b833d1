// A round avatar: the person's photo when they have one, else (and until it has loaded) the first grapheme
// of the name on a colour picked from the id (stable per person).
import { useEffect, useState } from 'preact/hooks'
import { neutral } from './UserText.tsx'

const COLOURS = ['#F6C28B', '#A8D5BA', '#9CC3E4', '#E4A5B8', '#C7B8EA', '#F2D388', '#9ED8D3', '#E8B49A']

// one segmenter for every avatar (building one per render cost ~15 ms per chat list at 4x CPU throttling),
// and only once a name needs it: building it costs as much again, on the way to the first screen
let graphemes: Intl.Segmenter | null | undefined
const segmenter = (): Intl.Segmenter | null =>
  (graphemes ??= typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null)

function firstGrapheme(name: string): string {
  // an invisible bidi control first would leave the avatar blank
  const trimmed = neutral(name).trim()
  if (!trimmed) return '?'
  // a first character below U+0300 followed by another (or nothing) is a grapheme of its own: nothing below
  // the combining marks joins onto one, and trim() took any CR LF pair away
  if (trimmed.charCodeAt(0) < 0x300 && (trimmed.length === 1 || trimmed.charCodeAt(1) < 0x300)) return trimmed[0].toUpperCase()
  const g = segmenter()
  if (g) for (const { segment } of g.segment(trimmed)) return segment.toUpperCase()
  return Array.from(trimmed)[0].toUpperCase()
}

/** The photo's object URL, loaded (with the code that loads it) only for someone who has one. The URL is
 * kept with the version it shows, so a removed or changed photo is never painted for a frame after the
 * change (an effect's reset would come one render late). */
function usePhoto(of: 'users' | 'chats' | 'invites' | 'channels', id: string, version: string | undefined): string | null {
  const key = version ? `${of}/${id}/${version}` : ''
  const [loaded, setLoaded] = useState<{ key: string; url: string } | null>(null)
  useEffect(() => {
    if (!version) return
    let live = true
    void import('../media/blob-url.ts')
      .then((m) => m.photoUrl(of, id, version))
      .then((url) => live && url && setLoaded({ key, url }))
    return () => {
      live = false
    }
  }, [of, id, version, key])
  return loaded && loaded.key === key ? loaded.url : null
}

export function Avatar({
  id,
  name,
  size = 44,
  photo,
  group = false,
  channel = false,
  invite,
}: {
  id: string
  name: string
  size?: number
  /** the version of the person's (or, with `group`, the group chat's; with `channel`, the channel's) photo */
  photo?: string
  group?: boolean
  channel?: boolean
  /** a group seen through this invite link, before joining: its photo comes by the link */
  invite?: string
}) {
  const src = usePhoto(invite ? 'invites' : group ? 'chats' : channel ? 'channels' : 'users', invite ?? id, photo)
  if (src) return <img class="avatar avatar--photo" src={src} alt="" aria-hidden="true" width={size} height={size} />
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.42, background: COLOURS[h % COLOURS.length] }}
    >
      {firstGrapheme(name)}
    </span>
  )
}
