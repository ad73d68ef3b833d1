// "Coupons near me" is decided on the device: a store's coarse geohash cell, the device's position, and a
// margin around the cell. These are the sums the app relies on (nothing here is sent anywhere).
import { describe, expect, it } from 'vitest'
import { cellBox, distanceM, nearStore, NEAR_M } from '../../web/models/coupons.ts'

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
