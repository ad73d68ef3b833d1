// Coupons of channels as the app uses them (docs/protocol.md, "Coupons"): making one (a channel's admins),
// saving it to "My coupons", asking for the short-lived code shown at the store, and redeeming a code in
// the shop view. Whether a coupon is valid near the user is worked out here, on the device, from the
// stores' coarse cells: no request carries a position.
import { effect, signal } from '@preact/signals'
import type { Coupon, CouponCode, CouponStore, MyCoupon, NewCoupon, Redemption } from '../../protocol/coupons.ts'
import { api } from '../account/api.ts'
import { me } from '../account/session.ts'

const enc = encodeURIComponent

/** My saved coupons as last fetched (null: not asked yet), so that a post's card knows "Saved". */
export const myCoupons = signal<MyCoupon[] | null>(null)

let asking: Promise<MyCoupon[]> | null = null

export function refreshMyCoupons(): Promise<MyCoupon[]> {
  const user = me.peek()?.id
  const ask = api<MyCoupon[]>('GET', '/api/me/coupons').then((list) => {
    // someone else signed in meanwhile: their list is not this one
    if (me.peek()?.id === user) myCoupons.value = list
    return list
  })
  asking = ask
  void ask.finally(() => asking === ask && (asking = null)).catch(() => {})
  return ask
}

/** Asks for my coupons once (a channel's home shows many cards; one request serves them all). */
export function ensureMyCoupons(): void {
  if (myCoupons.peek() === null && !asking) refreshMyCoupons().catch(() => {})
}

export const createCoupon = (channelId: string, c: NewCoupon): Promise<Coupon> =>
  api<Coupon>('POST', `/api/channels/${enc(channelId)}/coupons`, c)

export const getCoupon = (id: string): Promise<Coupon> => api<Coupon>('GET', `/api/coupons/${enc(id)}`)

export async function saveCoupon(id: string): Promise<MyCoupon> {
  const mine = await api<MyCoupon>('POST', `/api/coupons/${enc(id)}/save`)
  myCoupons.value = [mine, ...(myCoupons.peek() ?? []).filter((m) => m.coupon.id !== id)]
  return mine
}

/** A fresh code for the store (good for minutes); saving first is not needed. */
export const couponCode = (id: string): Promise<CouponCode> => api<CouponCode>('POST', `/api/coupons/${enc(id)}/code`)

/** The shop view: the server's answer is final (a code is redeemed once, and never past the quantity). */
export const redeemCode = (channelId: string, code: string): Promise<Redemption> =>
  api<Redemption>('POST', `/api/channels/${enc(channelId)}/redeem`, { code })

/** Start of the local day of a `yyyy-mm-dd` date input, and the last moment of it. */
export const dayStartMs = (date: string): number => new Date(`${date}T00:00:00`).getTime()
export const dayEndMs = (date: string): number => new Date(`${date}T23:59:59.999`).getTime()
/** `yyyy-mm-dd` of a local day, `days` after `ts`. */
export function dateInput(ts: number, days = 0): string {
  const d = new Date(ts)
  d.setDate(d.getDate() + days)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

// --- Near a store: geohash cells, compared on the device --------------------------------------------

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz'

/** The box a geohash stands for: [south, west, north, east] in degrees. */
export function cellBox(cell: string): [number, number, number, number] {
  const lat: [number, number] = [-90, 90]
  const lon: [number, number] = [-180, 180]
  let even = true
  for (const ch of cell) {
    const v = BASE32.indexOf(ch)
    for (let bit = 4; bit >= 0; bit--) {
      const r = even ? lon : lat
      const mid = (r[0] + r[1]) / 2
      if ((v >> bit) & 1) r[0] = mid
      else r[1] = mid
      even = !even
    }
  }
  return [lat[0], lon[0], lat[1], lon[1]]
}

/** The geohash cell of `precision` characters (5: some 5 km wide) holding a point: what a store's coupon carries. */
export function geohash(lat: number, lon: number, precision = 5): string {
  const la: [number, number] = [-90, 90]
  const lo: [number, number] = [-180, 180]
  let cell = ''
  let even = true
  let v = 0
  let bits = 0
  while (cell.length < precision) {
    const r = even ? lo : la
    const x = even ? lon : lat
    const mid = (r[0] + r[1]) / 2
    v <<= 1
    if (x >= mid) {
      v |= 1
      r[0] = mid
    } else r[1] = mid
    even = !even
    if (++bits === 5) {
      cell += BASE32[v]
      v = 0
      bits = 0
    }
  }
  return cell
}

/** "37.5665, 126.978" (as a map app copies it) → the point; null when it is not one. */
export function parsePoint(text: string): { lat: number; lon: number } | null {
  const m = /^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$/.exec(text)
  if (!m) return null
  const lat = Number(m[1])
  const lon = Number(m[2])
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null
}

/** Metres between two points (haversine). */
export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** How far from a store's cell still counts as "near": a cell is some 5 km wide already. */
export const NEAR_M = 3_000

/** Whether a position is inside a store's cell or within NEAR_M of its edge. Runs on the device only. */
export function nearStore(lat: number, lon: number, stores: readonly CouponStore[]): boolean {
  return stores.some(({ cell }) => {
    const [s, w, n, e] = cellBox(cell)
    // the nearest point of the box to the position
    const y = Math.min(n, Math.max(s, lat))
    const x = Math.min(e, Math.max(w, lon))
    return distanceM(lat, lon, y, x) <= NEAR_M
  })
}

/** The device's position, asked for only from a tap; it stays on the device. */
export const here = signal<{ lat: number; lon: number } | null>(null)

export function locate(): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new Error('no geolocation'))
    navigator.geolocation.getCurrentPosition(
      (p) => {
        here.value = { lat: p.coords.latitude, lon: p.coords.longitude }
        resolve()
      },
      (e) => reject(new Error(e.message)),
      // a tap asks where the phone is now: a position kept from before may be streets away
      { maximumAge: 0, timeout: 20_000 },
    )
  })
}

// another account on this device: forget the last one's coupons and position
let lastUser = me.peek()?.id
effect(() => {
  const user = me.value?.id
  if (user === lastUser) return
  lastUser = user
  myCoupons.value = null
  here.value = null
})
