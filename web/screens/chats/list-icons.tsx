// The chat list's own marks (decorative: the element around them carries the label).
const base = {
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 2,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
  'aria-hidden': 'true',
  focusable: 'false',
} as const

/** a bell struck through */
export const IconMuted = () => (
  <svg {...base} width={14} height={14}>
    <path d="M6 16V11a6 6 0 0 1 9.5-4.9M18 11v5l1.5 2H8" />
    <path d="M10 21h4M3 3l18 18" />
  </svg>
)
export const IconPin = () => (
  <svg {...base} width={14} height={14}>
    <path d="M9 3h6l-1 6 4 4H6l4-4zM12 13v8" />
  </svg>
)
export const IconMore = () => (
  <svg {...base} width={24} height={24}>
    <circle cx="5" cy="12" r="1" />
    <circle cx="12" cy="12" r="1" />
    <circle cx="19" cy="12" r="1" />
  </svg>
)
