// The sync server's log lines. Tokens never reach them (they are read from the URL and not kept).
const quiet = () => process.env.SORI_LOG === 'silent'

export const log = {
  info(msg: string, fields: Record<string, unknown> = {}): void {
    if (!quiet()) console.info(`[sync] ${msg}`, JSON.stringify(fields))
  },
  error(msg: string, err: unknown, fields: Record<string, unknown> = {}): void {
    console.error(`[sync] ${msg}`, JSON.stringify(fields), err instanceof Error ? err.stack ?? err.message : String(err))
  },
}
