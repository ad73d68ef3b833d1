import { describe, it, expect } from 'vitest'
import { envInt } from '../../server/config.ts'

describe('envInt', () => {
  it('reads non-negative integers and falls back to the default for anything else', () => {
    const env = { A: '5', Z: '0', E: '', S: '  ', N: '-1', F: '1.5', X: 'ten' }
    expect(envInt('A', 20, env)).toBe(5)
    expect(envInt('Z', 20, env)).toBe(0)
    for (const k of ['E', 'S', 'N', 'F', 'X', 'UNSET']) expect(envInt(k, 20, env)).toBe(20)
  })
})
