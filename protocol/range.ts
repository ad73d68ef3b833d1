// HTTP byte ranges (RFC 9110 §14), read the same way by the server's blob route and by the PWA's
// service worker when it answers a player's range request from the media cache.

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`: [start, end); null to send it all; 'unsatisfiable' for 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  // several ranges or a malformed header: the whole body (RFC 9110 lets a server ignore Range)
  if (!m || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size }
  }
  const start = Number(m[1])
  if (m[2] !== '' && Number(m[2]) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: m[2] === '' ? size : Math.min(Number(m[2]) + 1, size) }
}
