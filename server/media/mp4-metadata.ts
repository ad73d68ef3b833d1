// A video from a phone says where it was made: an MP4 or QuickTime file keeps it in metadata boxes
// (`udta` with ©xyz, `meta` with com.apple.quicktime.location.ISO6709, an XMP `uuid`), in `moov`, in each
// `trak`, or at the top. Those boxes are turned into `free` boxes of the same size, their bytes zeroed: the
// file keeps its length and every offset in it (the sample tables point into `mdat` by absolute offsets),
// so nothing has to be rewritten, and players skip `free` boxes wherever they are (ISO/IEC 14496-12).
import { open, type FileHandle } from 'node:fs/promises'

/** Boxes that hold metadata, not media: blanked wherever they are looked for. */
const METADATA = new Set(['udta', 'meta', 'uuid'])
/**
 * Boxes looked into for metadata: the movie, its tracks, and their media and media information (a
 * track's `udta` can hold a location too, and QuickTime writes one inside `mdia` as well).
 */
const LOOK_INTO = new Set(['moov', 'trak', 'mdia', 'minf'])
/** A `moov` larger than this is left as it is rather than read into memory (a phone's is a few hundred KB). */
const MAX_MOOV = 64 * 1024 * 1024
/**
 * Boxes walked in one file, at the top and inside `moov`: a phone's file has a few dozen, a recording cut
 * into fragments (`moof` and `mdat` a second) some thousands an hour. A file of millions of tiny boxes
 * costs CPU for each and is no video anyone recorded.
 */
const MAX_BOXES = 100_000
/** How deep boxes looked into nest: `moov/trak/mdia/minf` is four. */
const MAX_DEPTH = 8
/** The top-level boxes are read this much at a time. */
const CHUNK = 64 * 1024

/** A file whose boxes are no video's: too many, or nested too deep to be looked through. */
export class MalformedMp4 extends Error {}

export const MP4_TYPES = new Set(['video/mp4', 'video/quicktime', 'audio/mp4', 'audio/x-m4a'])

interface Box {
  type: string
  start: number
  headerSize: number
  size: number
}

/**
 * The box at `at` from `head`, its first bytes (16, or what there is), in a run of boxes that ends at `end`;
 * null where it is not whole. A size of 0 runs to `end`. The same for a file read piece by piece and for a
 * box read whole.
 */
function header(head: Buffer, at: number, end: number): Box | null {
  if (head.length < 8) return null
  let size = head.readUInt32BE(0)
  const type = head.toString('latin1', 4, 8)
  let headerSize = 8
  if (size === 1) {
    if (head.length < 16) return null
    size = Number(head.readBigUInt64BE(8))
    headerSize = 16
  } else if (size === 0) size = end - at
  if (size < headerSize || at + size > end) return null
  return { type, start: at, headerSize, size }
}

/** The boxes in buf[from, to), or as many as are whole, `max` at most; sizes that run past `to` end the walk. */
function boxesIn(buf: Buffer, from: number, to: number, max: number): Box[] {
  const out: Box[] = []
  for (let at = from; at < to && out.length < max;) {
    const b = header(buf.subarray(at, Math.min(at + 16, to)), at, to)
    if (!b) break
    out.push(b)
    at += b.size
  }
  return out
}

/** How many boxes a file's walk may still look at. */
interface Budget {
  boxes: number
}

function spend(budget: Budget, n: number): void {
  budget.boxes -= n
  if (budget.boxes < 0) throw new MalformedMp4(`more than ${MAX_BOXES} boxes`)
}

/**
 * Blanks the metadata boxes among buf[from, to), looking into moov and trak; returns how many it blanked.
 * Throws MalformedMp4 past the file's budget of boxes, or nested deeper than MAX_DEPTH.
 */
function blankIn(buf: Buffer, from: number, to: number, budget: Budget, depth = 1): number {
  if (depth > MAX_DEPTH) throw new MalformedMp4(`boxes nested deeper than ${MAX_DEPTH}`)
  let n = 0
  const boxes = boxesIn(buf, from, to, budget.boxes + 1)
  spend(budget, boxes.length)
  for (const b of boxes) {
    if (METADATA.has(b.type)) {
      blank(buf, b)
      n++
    } else if (LOOK_INTO.has(b.type)) n += blankIn(buf, b.start + b.headerSize, b.start + b.size, budget, depth + 1)
  }
  return n
}

function blank(buf: Buffer, b: Box): void {
  buf.write('free', b.start + 4, 'latin1')
  buf.fill(0, b.start + b.headerSize, b.start + b.size)
}

/**
 * Blanks the metadata of the MP4 or QuickTime file at `path` in place; returns how many boxes it blanked.
 * A file whose boxes do not add up is left as it is (it is stored byte for byte, as any file is); one of
 * more than MAX_BOXES boxes, or nested deeper than MAX_DEPTH, throws MalformedMp4 (it may hide metadata
 * past where the walk stops).
 */
export async function blankMp4Metadata(path: string): Promise<number> {
  const fh = await open(path, 'r+')
  try {
    const { size: fileSize } = await fh.stat()
    const budget: Budget = { boxes: MAX_BOXES }
    let n = 0
    // the top-level headers are read a chunk at a time, not one read each
    const chunk = Buffer.alloc(CHUNK)
    let chunkAt = 0
    let chunkLen = 0
    for (let at = 0; at < fileSize;) {
      if (at < chunkAt || at + 16 > chunkAt + chunkLen) {
        chunkAt = at
        chunkLen = (await fh.read(chunk, 0, CHUNK, at)).bytesRead
      }
      const b = header(chunk.subarray(at - chunkAt, Math.min(at - chunkAt + 16, chunkLen)), at, fileSize)
      if (!b) break
      spend(budget, 1)
      if (METADATA.has(b.type) || (b.type === 'moov' && b.size <= MAX_MOOV)) n += await rewrite(fh, b, budget)
      at += b.size
    }
    return n
  } finally {
    await fh.close()
  }
}

/** Blanks a top-level metadata box, or the metadata inside `moov`; returns how many boxes it blanked. */
async function rewrite(fh: FileHandle, b: Box, budget: Budget): Promise<number> {
  if (METADATA.has(b.type)) {
    // written over without being read: it may be of any size
    await fh.write(Buffer.from('free', 'latin1'), 0, 4, b.start + 4)
    const zeros = Buffer.alloc(Math.min(1024 * 1024, b.size - b.headerSize))
    for (let at = b.start + b.headerSize, end = b.start + b.size; at < end; at += zeros.length)
      await fh.write(zeros, 0, Math.min(zeros.length, end - at), at)
    return 1
  }
  const buf = Buffer.alloc(b.size)
  await fh.read(buf, 0, b.size, b.start)
  const n = blankIn(buf, b.headerSize, b.size, budget)
  if (n) await fh.write(buf, 0, b.size, b.start)
  return n
}
