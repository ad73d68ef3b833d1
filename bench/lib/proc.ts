// Reads another process's CPU time and memory from /proc (Linux), so the server is measured from outside.
import { readFileSync, readdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on every Linux we run on). */
const TICKS_PER_SECOND = 100

/** User + system CPU time of a process, in µs (resolution 10 ms). */
export function cpuMicros(pid: number): number {
  return statCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

function statCpu(stat: string): number {
  // the command name (field 2) may hold spaces; fields after its closing paren are space-separated
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1e6) / TICKS_PER_SECOND
}

/** User + system CPU time of a process's main thread (its event loop, for Node), in µs. */
export function mainThreadCpuMicros(pid: number): number {
  return statCpu(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))
}

/** How long a process's main thread has waited for a core while runnable (/proc schedstat's second field), in µs. */
export function mainThreadWaitMicros(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1000
}

/** Resident set size and its peak (VmRSS, VmHWM), and the RSS's anonymous, file-backed and shared parts, in bytes. */
export function memory(pid: number): { rss: number; peak: number; anon: number; file: number; shmem: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem') }
}

/** Pids of processes whose command name is `comm` (e.g. every postgres backend). */
export function pidsNamed(comm: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry))
    } catch {
      // the process ended while we listed /proc
    }
  }
  return pids
}

/** Summed CPU µs of processes named `comm`, keyed by pid, so a window can subtract per pid (backends come and go). */
export function cpuByPid(comm: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const pid of pidsNamed(comm)) {
    try {
      out.set(pid, cpuMicros(pid))
    } catch {
      // ended meanwhile
    }
  }
  return out
}

/** CPU µs that processes spent between two cpuByPid snapshots (new processes count from 0). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0)
  return sum
}

/** Machine-wide CPU use (all processes) from /proc/stat, in µs of busy time, to tell how loaded the box was. */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
  const v = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal
  const busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
  return (busy * 1e6) / TICKS_PER_SECOND
}

/**
 * Pins this process (every thread) to `cpus` with taskset, so that the load generator and the server
 * under test (BENCH_SERVER_CPUS) do not take turns on the same core. Returns false when taskset fails.
 */
export function pinSelf(cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
