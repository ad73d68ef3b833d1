// The count of unread messages on a row or a tab: "999+" past 999, said in words to assistive technology.
import { t } from '../app/t.ts'

/** `n` as a badge shows it. */
export const unreadFigure = (n: number): string => (n > 999 ? '999+' : String(n))

export function UnreadBadge({ count, class: cls = '' }: { count: number; class?: string }) {
  if (count <= 0) return null
  return (
    <span class={cls ? `badge ${cls}` : 'badge'} aria-label={t('chats.unread', { count })}>
      {unreadFigure(count)}
    </span>
  )
}
