// Invite links: make, list, revoke, preview and accept (docs/protocol.md: Invites). Online only; a
// link is shared as `<origin>/#/invite/<token>`.
import type { InviteAccepted, InviteKind, InviteLink, InvitePreview } from '../../protocol/api.ts'
import { api } from '../account/api.ts'
import { refreshFriends } from './friends.ts'

const at = (token: string): string => `/api/invites/${encodeURIComponent(token)}`

export const inviteUrl = (token: string): string => `${location.origin}/#/invite/${encodeURIComponent(token)}`

/** My working link for this group (or my friend link), or a new one. */
export async function inviteLinkFor(kind: InviteKind, convId?: string): Promise<InviteLink> {
  const target = kind === 'group' ? convId : undefined
  const mine = await api<InviteLink[]>('GET', '/api/invites')
  const found = mine.find((l) => l.kind === kind && (kind === 'friend' || l.target === target))
  return found ?? (await newInviteLink(kind, convId))
}

export const newInviteLink = (kind: InviteKind, convId?: string): Promise<InviteLink> =>
  api<InviteLink>('POST', '/api/invites', kind === 'group' ? { kind, convId } : { kind })

export const revokeInviteLink = async (token: string): Promise<void> => {
  await api('DELETE', at(token))
}

export const previewInvite = (token: string): Promise<InvitePreview> => api<InvitePreview>('GET', at(token))

/** Accepts the link; for a group, the chat's id to open, for a friend link null. */
export async function acceptInvite(token: string): Promise<string | null> {
  const r = await api<InviteAccepted>('POST', `${at(token)}/accept`)
  if (r.kind === 'group') return r.chat.id
  await refreshFriends().catch(() => undefined)
  return null
}
