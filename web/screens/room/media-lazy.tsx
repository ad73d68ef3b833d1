// The media parts of a room (MediaView.tsx, with the ThumbHash decoder) load with the first message or
// pick that needs them: a chat of text never fetches them.
import type { ComponentProps, FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type * as View from './MediaView.tsx'

type Parts = Pick<typeof View, 'MediaContent' | 'OutgoingContent' | 'GalleryGrid' | 'MediaViewer' | 'AlbumGrid' | 'OutgoingAlbum'>

let loaded: typeof View | null = null
let pending: Promise<typeof View> | null = null
const load = () => (pending ??= import('./MediaView.tsx').then((m) => (loaded = m)))

/** A part of MediaView.tsx that renders an empty box of `boxClass` until its code is here. */
function part<K extends keyof Parts>(name: K, boxClass = ''): FunctionComponent<ComponentProps<Parts[K]>> {
  return function LazyPart(props) {
    const [, setTick] = useState(0)
    useEffect(() => {
      if (!loaded) void load().then(() => setTick((n) => n + 1))
    }, [])
    if (!loaded) return boxClass ? <span class={boxClass} aria-hidden="true" /> : null
    // the part's own props, passed through
    const C = loaded[name] as unknown as FunctionComponent<ComponentProps<Parts[K]>>
    return <C {...props} />
  }
}

export const MediaContent = part('MediaContent', 'media-pending')
export const OutgoingContent = part('OutgoingContent', 'media-pending')
export const GalleryGrid = part('GalleryGrid')
export const AlbumGrid = part('AlbumGrid', 'media-pending')
export const OutgoingAlbum = part('OutgoingAlbum', 'media-pending')
export const MediaViewer = part('MediaViewer')
