// Valgrind's callgrind as a counter of instructions: a server started under it with instrumentation
// off, switched on for a window and dumped (callgrind_control), and the dump's self cost split into
// parts by the object and function each instruction ran in. Instructions, unlike seconds, repeat for
// the same work whatever else the machine does; what they cannot see is time in the kernel (system
// calls count as the few instructions that enter them).
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HOST, type Wrapper } from './servers.ts'

export const CALLGRIND_PARTS = [
  'sqlite',
  'gc',
  'compiler',
  'jit code',
  'v8 builtins',
  'v8 and node c++',
  'libc',
  'other',
] as const
export type CallgrindPart = (typeof CALLGRIND_PARTS)[number]
export type CallgrindCounts = Record<CallgrindPart, number> & { total: number }

/** Where a function's own instructions go. */
// V8's collectors (young and old generation, their marking, sweeping, evacuation, remembered sets and
// the write barrier's slow path), whichever thread runs them
const GC_FN =
  /\bv8::internal::(?:\w+::)*(?:Heap(?!Object|Number)|Scaveng|MarkCompact|MinorMarkCompact|MarkingBarrier|\w*Marking|Sweeper|\w*Evacuat|GCTracer|\w*RememberedSet|SlotSet|TypedSlot|\w*Compactor|MemoryAllocator|ConcurrentMarking|IncrementalMarking|\w*Collector|LargeObjectSpace|PagedSpace|NewSpace|SemiSpace|\w*Visitor|\w*BodyDescriptor|MemoryChunk|Page::|LocalHeap)/
// V8's compilers (TurboFan, Maglev, Sparkplug, the bytecode generator) and its parser: warming up, or
// code that deoptimizes and is compiled again
const COMPILER_FN =
  /\bv8::internal::(?:compiler::|maglev::|baseline::|interpreter::BytecodeGenerator|Parser|PreParser|Scanner|\w*Compil)/
export function partOf(object: string, fn: string): CallgrindPart {
  if (object.includes('better_sqlite3')) return 'sqlite'
  if (object === '???') return 'jit code'
  if (/\/libc[.-]/.test(object) || /\/libm[.-]/.test(object)) return 'libc'
  if (object.endsWith('/node') || object.endsWith('/nodejs')) {
    if (fn.startsWith('Builtins_')) return 'v8 builtins'
    if (GC_FN.test(fn)) return 'gc'
    if (COMPILER_FN.test(fn)) return 'compiler'
    return 'v8 and node c++'
  }
  return 'other'
}

const noCounts = (): CallgrindCounts => ({
  ...(Object.fromEntries(CALLGRIND_PARTS.map((p) => [p, 0])) as Record<CallgrindPart, number>),
  total: 0,
})

/**
 * Self cost (Ir) of a callgrind dump, by part. The format compresses names as `(id) name` on first use
 * and `(id)` after; a `calls=` line's next cost line is the call's inclusive cost, not the caller's own.
 */
export function readDump(text: string): CallgrindCounts {
  const out = noCounts()
  const obs = new Map<string, string>()
  const fns = new Map<string, string>()
  const name = (table: Map<string, string>, v: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(v)
    if (!m) return v
    if (m[2] !== undefined) table.set(m[1], m[2])
    return table.get(m[1]) ?? '?'
  }
  let ob = '???'
  let part: CallgrindPart = 'other'
  let skipNext = false
  for (const line of text.split('\n')) {
    if (line === '') continue
    const c = line.charCodeAt(0)
    // a cost line starts with a position: a digit, + or -, or *
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42) {
      if (skipNext) {
        skipNext = false
        continue
      }
      const sp = line.indexOf(' ')
      if (sp < 0) continue
      const ir = Number(line.slice(sp + 1).split(' ')[0])
      if (!Number.isFinite(ir)) continue
      out[part] += ir
      out.total += ir
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) continue
    const key = line.slice(0, eq)
    const v = line.slice(eq + 1)
    // names are defined where they first appear, in a call's target (cob, cfn) too
    if (key === 'ob') ob = name(obs, v)
    else if (key === 'fn') part = partOf(ob, name(fns, v))
    else if (key === 'cob') name(obs, v)
    else if (key === 'cfn') name(fns, v)
    else if (key === 'calls') skipNext = true
  }
  return out
}

/** valgrind's command line for a server whose dumps go to `dir`/`label`.<pid>[.<n>]. */
export function callgrindWrapper(dir: string, label: string): Wrapper {
  return {
    prefix: [
      'valgrind',
      '--tool=callgrind',
      // counting starts when the window does
      '--instr-atstart=no',
      // V8 writes and rewrites machine code: valgrind must see every change of it
      '--smc-check=all-non-file',
      ...(process.env.BENCH_CALLGRIND_THREADS ? ['--separate-threads=yes'] : []),
      `--callgrind-out-file=${join(dir, `${label}.%p`)}`,
    ],
  }
}

export function callgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
    execFileSync('callgrind_control', ['-h'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function control(pid: number, ...args: string[]): void {
  // valgrind names its control pipe after the user and the host of the server's environment, where HOST
  // is the address it listens on (servers.ts): the same here, or callgrind_control finds no pipe
  const out = execFileSync('callgrind_control', [...args, String(pid)], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (!/OK/.test(out) || /error/i.test(out)) throw new Error(`callgrind_control ${args.join(' ')} ${pid}: ${out}`)
}

/** Counts what `pid` runs during `work`: instrumentation on, the work, off, a dump read back. */
export async function countInstructions(
  dir: string,
  label: string,
  pid: number,
  work: () => Promise<void>,
): Promise<CallgrindCounts> {
  const before = new Set(readdirSync(dir))
  control(pid, '--instr=on')
  await work()
  control(pid, '--instr=off')
  control(pid, '--dump')
  const prefix = `${label}.${pid}.`
  for (let i = 0; i < 600; i++) {
    // one file, or one per thread (-<n> after the dump's number) with BENCH_CALLGRIND_THREADS
    const fresh = readdirSync(dir).filter((f) => f.startsWith(prefix) && !before.has(f))
    const texts = fresh.map((f) => readFileSync(join(dir, f), 'utf8'))
    // the dump is written whole before callgrind_control returns; check for its summary line anyway
    if (fresh.length && texts.every((t) => /^(totals|summary): /m.test(t))) {
      const sum = noCounts()
      for (const c of texts.map(readDump)) for (const k of [...CALLGRIND_PARTS, 'total'] as const) sum[k] += c[k]
      return sum
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no callgrind dump of ${label} (pid ${pid}) appeared in ${dir}: ${readdirSync(dir).join(', ')}`)
}
