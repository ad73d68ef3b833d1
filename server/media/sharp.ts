// sharp (libvips) is loaded at the first image a server decodes: a node that never handles a photo does
// not carry the library (part of a starting server's memory). One process-wide setting, made once.
import type Sharp from 'sharp'

let loading: Promise<typeof Sharp> | null = null

export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    // one thread an image and no cache of decoded images: a busy server stays within its memory (how many
    // images at once, and whose: decode-queue.ts)
    sharp.concurrency(1)
    sharp.cache(false)
    return sharp
  }))
}
