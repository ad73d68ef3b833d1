// Delivery latency on the wire (bench:delivery --capture): from the moment a sender's frame entered the
// loopback to the moment the server's frame carrying the same message to a receiver entered it, both
// stamped by the kernel (capture.ts, pcap.ts). This is the server's latency as a phone on another
// machine would see it, less the network: it leaves out the load generator's own delays on the
// receiving side (its event loop, its Yjs work), which the in-process figure includes because the
// receivers are in the generator. On the 2-core machine the two figures tell the server's share of the
// tail apart from the generator's.
import * as Y from 'yjs'
import { decodeFrame } from '../../protocol/frames.ts'
import type { WsFrame } from '../lib/pcap.ts'

const OPCODE_BINARY = 2

export interface WireLatency {
  /** ms, one sample per delivery of a message written in the window */
  samples: Float64Array
  /** messages written in the window, as the capture saw them */
  sent: number
  /** deliveries found in the capture, and how many the chats' sizes would give */
  matched: number
  expected: number
}

/** The message ids in a y-websocket frame's update (sync step 2 or update), or none. */
function messageIds(payload: Uint8Array): string[] {
  const ids: string[] = []
  try {
    const frame = decodeFrame(payload)
    if (frame.type !== 'sync-step2' && frame.type !== 'update') return ids
    const { structs } = Y.decodeUpdate(frame.update)
    for (const s of structs) {
      if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) continue
      for (const v of s.content.arr) {
        const id = (v as { id?: unknown } | null)?.id
        if (typeof id === 'string') ids.push(id)
      }
    }
  } catch {
    // not a frame of the sync protocol, or cut short: it carries no message
  }
  return ids
}

/**
 * Latency of every delivery of a message whose sender's frame was captured in [from, to) (ms since the
 * epoch). A delivery is the first frame that brings the message to a connection other than its sender's.
 */
export function wireLatency(frames: WsFrame[], from: number, to: number, membersPerChat: number): WireLatency {
  const sentAt = new Map<string, { at: number; client: number }>()
  for (const f of frames) {
    if (!f.toServer || f.opcode !== OPCODE_BINARY) continue
    for (const id of messageIds(f.payload)) if (!sentAt.has(id)) sentAt.set(id, { at: f.at, client: f.client })
  }
  let sent = 0
  for (const s of sentAt.values()) if (s.at >= from && s.at < to) sent++
  const delivered = new Set<string>()
  const samples: number[] = []
  for (const f of frames) {
    if (f.toServer || f.opcode !== OPCODE_BINARY) continue
    for (const id of messageIds(f.payload)) {
      const s = sentAt.get(id)
      if (!s || s.client === f.client || s.at < from || s.at >= to) continue
      const key = `${id} ${f.client}`
      if (delivered.has(key)) continue
      delivered.add(key)
      samples.push(f.at - s.at)
    }
  }
  return { samples: Float64Array.from(samples), sent, matched: samples.length, expected: sent * (membersPerChat - 1) }
}
