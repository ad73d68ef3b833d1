// The root types of the channel document kinds (protocol/channels.ts names them).
import { CHANNEL_ROOTS } from '../../../protocol/channels.ts'
import type { RootSpec } from '../../sync/kind.ts'

export const CHANNEL_HEAD_ROOTS: RootSpec[] = [[CHANNEL_ROOTS.head.meta, 'map']]
export const CHANNEL_PAGE_ROOTS: RootSpec[] = [
  [CHANNEL_ROOTS.page.posts, 'array'],
  [CHANNEL_ROOTS.page.edits, 'map'],
]
