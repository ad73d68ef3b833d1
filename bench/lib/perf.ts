// Where a server's CPU goes, native code and the kernel included: `perf record` (Linux perf, cpu-clock
// sampling with call chains) on the server's process during a measured window, its samples sorted into a
// few parts. V8's own profiler (BENCH_PROFILE_DIR) names JavaScript functions but sees neither the kernel
// nor SQLite's C code, and lumps a native call into its JavaScript caller; these parts are what two
// servers can be compared by, per message, in one run (bench:delivery --perf).
//
// The parts, decided per sample from its whole call chain, in this order:
//   sqlite        any frame in better-sqlite3's library (its statements, and the writes and locks they make)
//   GC            V8's collector on the event loop (a Heap::/Scavenger/MarkCompact/... frame)
//   socket write  a write or writev system call (SQLite's are in `sqlite`)
//   socket read   a read system call
//   poll          epoll_wait, futex and other system calls
//   kernel other  kernel code outside a system call (interrupts, softirqs, the scheduler)
//   JS and V8     everything else on the event loop: JavaScript, V8's runtime and builtins, Node's C++
// and on the process's other threads:
//   V8 compiler   V8's platform threads compiling optimized code
//   V8 GC helpers V8's platform threads collecting: parallel scavenges, concurrent marking
//   workers       worker threads (Sori's: the WAL checkpointer, the compaction merger, the push sender)
//   other threads the rest (libuv's pool, Node's own)
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const PERF_PARTS = [
  'sqlite',
  'GC',
  'socket write',
  'socket read',
  'poll',
  'kernel other',
  'JS and V8',
  'V8 compiler',
  'V8 GC helpers',
  'workers',
  'other threads',
] as const
export type PerfPart = (typeof PERF_PARTS)[number]

/** CPU time per part, µs, and the time the recording ran, s. */
export interface PerfProfile {
  us: Record<PerfPart, number>
  recordedS: number
}

export interface PerfRecording {
  /** Stops perf (it writes its file on SIGINT) and sorts the samples of the event loop and the other threads. */
  stop(): Promise<PerfProfile>
}

/** Why perf cannot record here, or null when it can. */
export function perfUnavailable(): string | null {
  const r = spawnSync('perf', ['record', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8' })
  if (r.error) return 'perf is not installed (Debian: apt-get install -y linux-perf)'
  if (r.status !== 0) return `perf may not record here: ${r.stderr.trim().split('\n').pop()}`
  return null
}

/** Starts sampling every thread of `pid` at 999 Hz with call chains (its event loop is the thread numbered `pid`). */
export async function startPerf(pid: number): Promise<PerfRecording> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-perf-'))
  const file = join(dir, 'perf.data')
  const child: ChildProcess = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-p', String(pid), '-o', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (s: string) => (stderr += s))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  // perf prints nothing once attached; it attaches within a few milliseconds
  await new Promise((r) => setTimeout(r, 100))
  const from = performance.now()
  return {
    async stop() {
      const recordedS = (performance.now() - from) / 1000
      child.kill('SIGINT')
      const code = await exited
      try {
        if (code !== 0 && code !== null) throw new Error(`perf record exited (${code}): ${stderr.trim()}`)
        return { us: await partsOf(file, pid), recordedS }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

const GC = /v8::internal::(Heap::|Scavenge|MarkCompact|MinorMarkSweep|Sweeper|ConcurrentMarking|GCTracer|MarkingBarrier)/
const WRITE = /^(__x64_sys_write|__x64_sys_writev|ksys_write|do_writev)$/
const READ = /^(__x64_sys_read|ksys_read)$/
const SYSCALL = /^(entry_SYSCALL_64|do_syscall_64)/

/** A sample of a thread other than the event loop. */
function threadPartOf(frames: { sym: string; dso: string }[]): PerfPart {
  for (const f of frames) {
    if (f.sym.includes('PlatformWorkerThread'))
      return frames.some((g) => g.sym.includes('OptimizingCompileDispatcher')) ? 'V8 compiler' : 'V8 GC helpers'
    if (f.sym.includes('node::worker::Worker::Run')) return 'workers'
  }
  return 'other threads'
}

function partOf(frames: { sym: string; dso: string }[]): PerfPart {
  let kernel = false
  let syscall = false
  for (const f of frames) {
    if (f.dso.includes('better_sqlite3')) return 'sqlite'
    if (GC.test(f.sym)) return 'GC'
  }
  for (const f of frames) {
    if (!f.dso.includes('kernel')) break
    kernel = true
    if (WRITE.test(f.sym)) return 'socket write'
    if (READ.test(f.sym)) return 'socket read'
    if (SYSCALL.test(f.sym)) syscall = true
  }
  if (syscall) return 'poll'
  return kernel ? 'kernel other' : 'JS and V8'
}

/** The recorded samples' CPU time by part, µs (`perf script`: thread, period in ns, call chain). */
async function partsOf(file: string, mainTid: number): Promise<Record<PerfPart, number>> {
  const { stdout } = await promisify(execFile)('perf', ['script', '-i', file, '-F', 'tid,period,ip,sym,dso'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  })
  const us = Object.fromEntries(PERF_PARTS.map((p) => [p, 0])) as Record<PerfPart, number>
  let tid = 0
  let periodNs = 0
  let frames: { sym: string; dso: string }[] = []
  const flush = () => {
    if (periodNs > 0) us[tid === mainTid ? partOf(frames) : threadPartOf(frames)] += periodNs / 1000
    periodNs = 0
    frames = []
  }
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') {
      flush()
      continue
    }
    if (!line.startsWith('\t')) {
      // "  8802 1001001 " : the sample's thread and its period; its frames follow, one per line
      const [t, p] = line.trim().split(/\s+/)
      tid = Number(t)
      periodNs = Number(p)
      continue
    }
    // "\t    55d0c0 symbol+0x12 (dso)"
    const m = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)$/.exec(line)
    if (m) frames.push({ sym: m[1].replace(/\+0x[0-9a-f]+$/, ''), dso: m[2] })
  }
  flush()
  return us
}
