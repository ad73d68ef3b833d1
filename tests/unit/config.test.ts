import { describe, it, expect } from 'vitest'
import { envInt, readConfig } from '../../server/config.ts'

describe('envInt', () => {
  it('reads non-negative integers and falls back to the default for anything else', () => {
    const env = { A: '5', Z: '0', E: '', S: '  ', N: '-1', F: '1.5', X: 'ten' }
    expect(envInt('A', 20, env)).toBe(5)
    expect(envInt('Z', 20, env)).toBe(0)
    for (const k of ['E', 'S', 'N', 'F', 'X', 'UNSET']) expect(envInt(k, 20, env)).toBe(20)
  })
})

describe('readConfig', () => {
  it('starts on port 8080 with SQLite in ./data and the heap compactor on, as the README says', () => {
    expect(readConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: './data/sori.db',
      staticDir: 'dist',
      trustProxy: false,
      heapCompact: true,
    })
  })

  it('reads what the environment sets', () => {
    const c = readConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://db/sori',
      SORI_STATIC: 'public',
      SORI_TRUST_PROXY: '1',
      SORI_HEAP_COMPACT: '0',
    })
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'postgres://db/sori',
      staticDir: 'public',
      trustProxy: true,
      heapCompact: false,
    })
    // only 0 turns the compactor off
    expect(readConfig({ SORI_HEAP_COMPACT: '1' }).heapCompact).toBe(true)
  })

  it('refuses a port that is not one, saying what it got', () => {
    for (const p of ['http', '-1', '65536', '80.5'])
      expect(() => readConfig({ PORT: p })).toThrow(`PORT must be a port number, not "${p}"`)
  })
})
