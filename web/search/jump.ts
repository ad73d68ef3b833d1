// "Open the chat at this message": the search screen sets the target, then routes to the chat; the
// chat screen (web/screens/room) loads older pages until `page` is loaded, scrolls `id` into view,
// and clears the target. A signal rather than a URL part so the router's routes stay as they are.
import { signal } from '@preact/signals'

export interface JumpTarget {
  conv: string
  id: string
  page: number
  index: number
}

export const jumpTarget = signal<JumpTarget | null>(null)
