// The count of unread messages on a row or a tab: "999+" past 999, said in words to assistive technology.
import { t } from '../app/t.ts'

/** `n` as a badge shows it. */
export const unreadFigure = (n: number): string => (n > 999 ? '999+' : String(n))

export function UnreadBadge({ count, class: cls = '' }: { count: number; class?: string }) {
  if (count <= 0) return null
  return (
    // role img: its label is part of the name of the link or row it sits in ("Chats, 3 unread messages"); a
    // plain span's label is not, and the name said the bare figure ("Chats 3")
    <span class={cls ? `badge ${cls}` : 'badge'} role="img" aria-label={t('chats.unread', { count })}>
      {unreadFigure(count)}
    </span>
  )
}
