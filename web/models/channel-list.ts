// The followed channels as the chat list shows them, kept apart from models/channels.ts so that the
// chat list's first paint does not load the channels' code: that module fills this list once started.
import { signal } from '@preact/signals'

export interface ChannelListItem {
  id: string
  name: string
  handle: string
  verified: boolean
  /** the version of its photo, if it has one */
  photo?: string
  /** the latest post's preview and time (from the channel's head) */
  preview: string
  ts: number
  unread: number
  /** the user muted its pushes (until a time still to come, or until turned back on) */
  muted: boolean
}

/** newest first */
export const channelList = signal<ChannelListItem[]>([])
