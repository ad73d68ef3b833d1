// sharp (libvips) is loaded at the first image a server decodes: a node that never handles a photo does
// not carry the library (part of a starting server's memory). One process-wide setting, made once. Every
// image is decoded through `decodeImage`, in its account's turn (decode-queue.ts).
import type Sharp from 'sharp'
import { decoders } from './decode-queue.ts'

let loading: Promise<typeof Sharp> | null = null

function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    // one thread an image and no cache of decoded images: a busy server stays within its memory (how many
    // images at once, and whose: decode-queue.ts)
    sharp.concurrency(1)
    sharp.cache(false)
    return sharp
  }))
}

/** Runs `job` with sharp when it is `who`'s turn to decode (an account's id, or one name for a kind of work). */
export async function decodeImage<T>(who: string, job: (sharp: typeof Sharp) => Promise<T>): Promise<T> {
  const sharp = await loadSharp()
  return decoders.run(who, () => job(sharp))
}
