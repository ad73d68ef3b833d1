// The server's log lines, one prefix per part. Tokens never reach them (they are read from the URL or
// a header and not kept).
const quiet = () => process.env.SORI_LOG === 'silent'

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, err: unknown, fields?: Record<string, unknown>): void
}

export function logger(part: string): Log {
  return {
    info(msg, fields = {}) {
      if (!quiet()) console.info(`[${part}] ${msg}`, JSON.stringify(fields))
    },
    error(msg, err, fields = {}) {
      console.error(`[${part}] ${msg}`, JSON.stringify(fields), err instanceof Error ? (err.stack ?? err.message) : String(err))
    },
  }
}
