// Logging helpers. Session tokens travel in the sync URL's query; they must never reach a log.

/** The URL with the value of every `token` query parameter replaced. */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(/([?&;]token=)[^&#]*/gi, '$1[redacted]')
}
