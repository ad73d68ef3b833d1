// What this device says of itself in a document's awareness: nothing, unless the chat is on screen
// (`viewing`, which spares it a push) or its user is typing there. A state held on every document synced
// in the background would tell any member, within a moment of a message, that the app is running and the
// message came (protocol.md: Sori has no presence); so the state is null, which announces nothing, until
// one of these is true, and null again after.
import type { Awareness } from 'y-protocols/awareness'

type Field = 'viewing' | 'typing'
interface OwnState {
  user: { id: string }
  viewing?: boolean
  typing?: boolean
}

export function sayOwn(a: Awareness, userId: string, field: Field, on: boolean): void {
  const now = a.getLocalState() as OwnState | null
  if ((now?.[field] ?? false) === on) return
  const next: OwnState = { ...(now ?? { user: { id: userId } }), [field]: on }
  a.setLocalState(next.viewing || next.typing ? next : null)
}
