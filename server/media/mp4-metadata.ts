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

/** The boxes in buf[from, to), or as many as are whole; sizes that run past `to` end the walk. */
function boxesIn(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = []
  for (let at = from; at < to;) {
    const b = header(buf.subarray(at, Math.min(at + 16, to)), at, to)
    if (!b) break
    out.push(b)
    at += b.size
  }
  return out
}

/** Blanks the metadata boxes among buf[from, to), looking into moov and trak; returns how many it blanked. */
function blankIn(buf: Buffer, from: number, to: number): number {
  let n = 0
  for (const b of boxesIn(buf, from, to)) {
    if (METADATA.has(b.type)) {
      blank(buf, b)
      n++
    } else if (LOOK_INTO.has(b.type)) n += blankIn(buf, b.start + b.headerSize, b.start + b.size)
  }
  return n
}

function blank(buf: Buffer, b: Box): void {
  buf.write('free', b.start + 4, 'latin1')
  buf.fill(0, b.start + b.headerSize, b.start + b.size)
}

/**
 * Blanks the metadata of the MP4 or QuickTime file at `path` in place; returns how many boxes it blanked.
 * A file whose boxes do not add up is left as it is (it is stored byte for byte, as any file is).
 */
export async function blankMp4Metadata(path: string): Promise<number> {
  const fh = await open(path, 'r+')
  try {
    const { size: fileSize } = await fh.stat()
    let n = 0
    const head = Buffer.alloc(16)
    for (let at = 0; at < fileSize;) {
      const { bytesRead } = await fh.read(head, 0, 16, at)
      const b = header(head.subarray(0, bytesRead), at, fileSize)
      if (!b) break
      if (METADATA.has(b.type) || (b.type === 'moov' && b.size <= MAX_MOOV)) n += await rewrite(fh, b)
      at += b.size
    }
    return n
  } finally {
    await fh.close()
  }
}

/** Blanks a top-level metadata box, or the metadata inside `moov`; returns how many boxes it blanked. */
async function rewrite(fh: FileHandle, b: Box): Promise<number> {
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
  const n = blankIn(buf, b.headerSize, b.size)
  if (n) await fh.write(buf, 0, b.size, b.start)
  return n
}
