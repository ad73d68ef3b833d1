// A windowed list anchored to the bottom, for chat rooms: only the rows near the viewport are in the
// DOM (a chat of 100k messages renders as many nodes as one of 50). Heights start at an estimate and
// are replaced by measurements (ResizeObserver); the offsets are prefix sums over them.
//
// Anchoring: while the user is at the bottom the list stays there as rows arrive. Otherwise the first
// visible row keeps its place on screen when rows are prepended (older pages) or when rows above it
// change height — we remember its key and its distance from the top and restore that after each render.
import type { ComponentChildren } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'

interface Props<T> {
  items: readonly T[]
  itemKey: (item: T) => string
  render: (item: T, index: number) => ComponentChildren
  /** a guess for rows not measured yet, in px */
  estimate: number
  /** called (repeatedly, while it stays true) when the user is near the top */
  onNearTop?: () => void
  /** called when "at the bottom" changes (e.g. to mark read or show a jump button) */
  onAtBottom?: (atBottom: boolean) => void
  /** rows that may anchor the scroll position (rows whose key moves, like day separators, must not) */
  canAnchor?: (item: T) => boolean
  /** a change of this value re-checks "near the top" (e.g. after an older page finished loading) */
  recheck?: unknown
  /**
   * scrolls this row into view when `key` or `nonce` changes: a third from the top, or with `top` at the top
   * (as far as the rows below it allow: with little below it, the list ends at the bottom)
   */
  scrollTo?: { key: string; nonce: number; top?: boolean } | null
  /** a change of this value scrolls to the bottom (e.g. after I send) */
  bottomSignal?: unknown
  class?: string
  label: string
}

const NEAR_TOP_PX = 600
const AT_BOTTOM_PX = 48
/** room left above a row scrolled to the top */
const TOP_GAP_PX = 8

export function VirtualList<T>(p: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null)
  const heights = useRef(new Map<string, number>())
  const stick = useRef(true)
  const anchor = useRef<{ key: string; delta: number } | null>(null)
  const [view, setView] = useState({ top: 0, height: 640 })
  const [, setMeasured] = useState(0)
  const observed = useRef(new Set<HTMLElement>())
  const frame = useRef(0)
  // made during the first render, so that the first rows' ref callbacks can already observe them
  const observer = useRef<ResizeObserver | null>(null)
  if (!observer.current) {
    observer.current = new ResizeObserver((entries) => {
      let changed = false
      for (const e of entries) {
        const el = e.target as HTMLElement
        const key = el.dataset.key
        if (!key || !el.isConnected) continue
        const h = el.offsetHeight
        if (h > 0 && heights.current.get(key) !== h) {
          heights.current.set(key, h)
          changed = true
        }
      }
      if (changed) setMeasured((x) => x + 1)
    })
  }

  const { items, itemKey, estimate } = p
  const n = items.length
  const offsets = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (heights.current.get(itemKey(items[i])) ?? estimate)
  const total = offsets[n]

  // the window: a screen's worth of rows above and below what is visible
  const overscan = Math.max(view.height, 300)
  const from = view.top - overscan
  const to = view.top + view.height + overscan
  let start = lowerBound(offsets, from) - 1
  if (start < 0) start = 0
  let end = lowerBound(offsets, to)
  if (end > n) end = n
  if (stick.current) {
    // at the bottom the viewport is the last screen, whatever view.top said before this render
    end = n
    start = Math.max(0, lowerBound(offsets, total - view.height - overscan) - 1)
  }

  useLayoutEffect(() => {
    for (const row of observed.current)
      if (!row.isConnected) {
        observer.current!.unobserve(row)
        observed.current.delete(row)
      }
    const el = scroller.current
    if (!el) return
    if (stick.current) {
      el.scrollTop = el.scrollHeight
    } else if (anchor.current) {
      const a = anchor.current
      const i = items.findIndex((it) => itemKey(it) === a.key)
      if (i >= 0) {
        const want = offsets[i] - a.delta
        if (Math.abs(el.scrollTop - want) > 1) el.scrollTop = want
      }
    }
    // the newest row in view after all (everything fits, or a jump landed near the end): no scroll
    // event will say so, and "not at the bottom" would offer to go where the reader already is
    if (!stick.current && isAtBottom(el)) {
      stick.current = true
      p.onAtBottom?.(true)
    }
  })

  useEffect(() => {
    const el = scroller.current!
    const resize = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }))
    resize.observe(el)
    return () => {
      observer.current?.disconnect()
      resize.disconnect()
      cancelAnimationFrame(frame.current)
    }
  }, [])

  useEffect(() => {
    if (p.bottomSignal === undefined) return
    stick.current = true
    p.onAtBottom?.(true)
    setMeasured((x) => x + 1)
  }, [p.bottomSignal])

  useEffect(() => {
    const target = p.scrollTo
    const el = scroller.current
    if (!target || !el) return
    const i = items.findIndex((it) => itemKey(it) === target.key)
    if (i < 0) return
    stick.current = false
    p.onAtBottom?.(false)
    anchor.current = { key: target.key, delta: target.top ? TOP_GAP_PX : Math.round(el.clientHeight / 3) }
    el.scrollTop = offsets[i] - anchor.current.delta
    setView({ top: el.scrollTop, height: el.clientHeight })
  }, [p.scrollTo?.key, p.scrollTo?.nonce])

  // near the top right after a render (short history, or an older page that was small): ask for more
  useEffect(() => {
    const el = scroller.current
    if (el && p.onNearTop && el.scrollTop < NEAR_TOP_PX && el.scrollHeight > 0) p.onNearTop()
  }, [n, p.recheck])

  function onScroll() {
    // a scroll event can still come as the list goes (leaving the room): nothing is left to measure
    const el = scroller.current
    if (!el) return
    const atBottom = isAtBottom(el)
    if (atBottom !== stick.current) {
      stick.current = atBottom
      p.onAtBottom?.(atBottom)
    }
    let i = Math.max(0, lowerBound(offsets, el.scrollTop + 1) - 1)
    while (i < n - 1 && p.canAnchor && !p.canAnchor(items[i])) i++
    if (i < n) anchor.current = { key: itemKey(items[i]), delta: offsets[i] - el.scrollTop }
    if (el.scrollTop < NEAR_TOP_PX) p.onNearTop?.()
    cancelAnimationFrame(frame.current)
    frame.current = requestAnimationFrame(() => setView({ top: el.scrollTop, height: el.clientHeight }))
  }

  const rows: ComponentChildren[] = []
  for (let i = start; i < end; i++) {
    const key = itemKey(items[i])
    rows.push(
      <div
        key={key}
        data-key={key}
        class="vlist__row"
        role="listitem"
        ref={(el) => {
          if (el && !observed.current.has(el)) {
            observed.current.add(el)
            observer.current!.observe(el)
          }
        }}
      >
        {p.render(items[i], i)}
      </div>,
    )
  }
  return (
    <div ref={scroller} class={`vlist ${p.class ?? ''}`} onScroll={onScroll} tabIndex={0} role="list" aria-label={p.label}>
      <div style={{ height: offsets[start] }} aria-hidden="true" />
      {rows}
      <div style={{ height: total - offsets[end] }} aria-hidden="true" />
    </div>
  )
}

const isAtBottom = (el: HTMLElement): boolean => el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX

/** The first index i with offsets[i] >= x. */
function lowerBound(offsets: Float64Array, x: number): number {
  let lo = 0
  let hi = offsets.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (offsets[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
