// "Coupons near me" is decided on the device: a store's coarse geohash cell, the device's position, and a
// margin around the cell. These are the sums the app relies on (nothing here is sent anywhere).
import { describe, expect, it } from 'vitest'
import { cellBox, distanceM, geohash, nearStore, NEAR_M, parsePoint } from '../../web/models/coupons.ts'

describe('cellBox', () => {
  it('decodes geohash cells to their boxes', () => {
    expect(cellBox('s')).toEqual([0, 0, 45, 45])
    // the worked example of the geohash scheme: ezs42 is around 42.605 N, 5.603 W
    const [s, w, n, e] = cellBox('ezs42')
    expect(s).toBeCloseTo(42.583, 3)
    expect(n).toBeCloseTo(42.627, 3)
    expect(w).toBeCloseTo(-5.625, 3)
    expect(e).toBeCloseTo(-5.581, 3)
  })
})

describe('geohash', () => {
  it('encodes a point into the cell that holds it', () => {
    // the scheme's worked examples: 42.6 N 5.6 W is ezs42, and 57.64911 N 10.40744 E starts u4pru
    expect(geohash(42.6, -5.6)).toBe('ezs42')
    expect(geohash(57.64911, 10.40744)).toBe('u4pru')
    expect(geohash(57.64911, 10.40744, 3)).toBe('u4p')
    for (const [lat, lon] of [
      [37.5665, 126.978],
      [-33.8688, 151.2093],
      [0, 0],
      [89.9, -179.9],
    ]) {
      const [s, w, n, e] = cellBox(geohash(lat, lon))
      expect(lat >= s && lat <= n && lon >= w && lon <= e).toBe(true)
    }
  })
  it('reads a place as a map app copies it, and nothing else', () => {
    expect(parsePoint('37.5665, 126.9780')).toEqual({ lat: 37.5665, lon: 126.978 })
    expect(parsePoint(' -33.8688 151.2093 ')).toEqual({ lat: -33.8688, lon: 151.2093 })
    for (const bad of ['', 'Seoul', '91, 0', '0, 181', '37.5;126.9', '1e3, 5']) expect(parsePoint(bad)).toBeNull()
  })
})

describe('nearStore', () => {
  const stores = [{ name: 'León', cell: 'ezs42' }]
  it('is near inside the cell and within the margin around it, not farther', () => {
    expect(nearStore(42.605, -5.603, stores)).toBe(true)
    // 2 km north of the cell's northern edge (1° of latitude is about 111 km)
    expect(nearStore(42.627 + 2 / 111.2, -5.603, stores)).toBe(true)
    // 10 km south of its southern edge
    expect(nearStore(42.583 - 10 / 111.2, -5.603, stores)).toBe(false)
    expect(nearStore(37.5665, 126.978, stores)).toBe(false)
    expect(nearStore(42.605, -5.603, [])).toBe(false)
  })
  it('measures distances on the sphere', () => {
    expect(distanceM(0, 0, 1, 0)).toBeGreaterThan(111_000)
    expect(distanceM(0, 0, 1, 0)).toBeLessThan(111_400)
    expect(NEAR_M).toBeLessThanOrEqual(5_000)
  })
})
