/** See stalls.cjs: BENCH_STALLS=1's GC-pause and loop-stall lines for this thread. */
export function watchStalls(who: string): void
