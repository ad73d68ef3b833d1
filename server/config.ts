// Configuration from environment variables (documented in README).
export interface Config {
  port: number
  host: string
  databaseUrl: string
  /** the built PWA (vite build's outDir) */
  staticDir: string
  /** believe X-Forwarded-For for the client address (only behind a proxy that sets it) */
  trustProxy: boolean
  /** compact V8's heap when quiet after a burst, giving the pages back (heap.ts); SORI_HEAP_COMPACT=0 turns it off */
  heapCompact: boolean
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`)
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || './data/sori.db',
    staticDir: env.SORI_STATIC || 'dist',
    trustProxy: env.SORI_TRUST_PROXY === '1',
    heapCompact: env.SORI_HEAP_COMPACT !== '0',
  }
}

/** A non-negative integer from the environment; `dflt` when unset, empty or anything else. */
export function envInt(name: string, dflt: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]
  const v = Number(raw)
  return raw !== undefined && raw.trim() !== '' && Number.isInteger(v) && v >= 0 ? v : dflt
}

/**
 * Which private addresses (loopback, private networks) link previews may fetch: none unless
 * SORI_PREVIEW_PRIVATE is set, which is for tests only. `1`: any; a comma-separated list of ports: only
 * those ports (so that a test can allow its page server and still see every other private address refused).
 */
export function previewPrivate(env: NodeJS.ProcessEnv = process.env): 'any' | ReadonlySet<number> {
  const raw = (env.SORI_PREVIEW_PRIVATE ?? '').trim()
  if (raw === '1') return 'any'
  return new Set(
    raw
      .split(',')
      .map((p) => Number(p.trim()))
      .filter((p) => Number.isInteger(p) && p > 0 && p < 65536),
  )
}

/**
 * Which private addresses app webhooks (Sori Link) may be sent to, and may be registered with plain http:
 * SORI_LINK_PRIVATE, read as SORI_PREVIEW_PRIVATE is (tests only: never on a real server).
 */
export const linkPrivate = (env: NodeJS.ProcessEnv = process.env): 'any' | ReadonlySet<number> =>
  previewPrivate({ SORI_PREVIEW_PRIVATE: env.SORI_LINK_PRIVATE })
