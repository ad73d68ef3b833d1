// The small pieces of a list row that several lists share: a name that keeps a marker beside it, and
// an icon that marks a row (muted, pinned) with a name for screen readers.
import type { ComponentChildren } from 'preact'
import { UserText } from './UserText.tsx'

/** A person's name and a marker such as "(you)": the marker stays whole however long the name, which is what gets cut. */
export function TaggedTitle({ name, tag }: { name: string; tag?: string }) {
  if (!tag)
    return (
      <span class="row__title">
        <UserText text={name} />
      </span>
    )
  return (
    <span class="row__title row__title--tagged">
      <span class="row__name">
        <UserText text={name} />
      </span>
      <span class="muted row__tag"> {tag}</span>
    </span>
  )
}

/** An icon that marks a row, named for screen readers and on hover. */
export function RowMark({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <span class="row__mark" role="img" aria-label={label} title={label}>
      {children}
    </span>
  )
}
