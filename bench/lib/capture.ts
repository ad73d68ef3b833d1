// A packet capture of one TCP port on the loopback (tcpdump), for measuring a server's latency on the
// wire: the kernel stamps each segment when its sender's write hands it to the loopback, so the time
// between a client's frame and the server's forwarded frame is the server's whole latency (socket
// buffer, event loop, commit, fan-out) without the receiving client's own delays. See wire.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Capture {
  /** the pcap file (nanosecond timestamps) */
  readonly file: string
  /** Stops tcpdump (it flushes on SIGINT) and returns how many packets the kernel dropped. */
  stop(): Promise<{ dropped: number }>
  /** removes the file's folder */
  remove(): void
}

/** Why a capture cannot run here, or null when it can (tcpdump installed and allowed to open the loopback). */
export function captureUnavailable(): string | null {
  const r = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) return 'tcpdump is not installed (Debian: apt-get install -y tcpdump)'
  const probe = spawnSync('tcpdump', ['-i', 'lo', '-c', '0', '-w', '/dev/null'], { encoding: 'utf8', timeout: 5000 })
  if (probe.status !== 0 && /permission|Operation not permitted/i.test(probe.stderr))
    return 'tcpdump may not capture here (needs root or CAP_NET_RAW)'
  return null
}

/**
 * Captures every TCP segment with a payload to or from `port` on the loopback. Resolves once tcpdump
 * says it is listening, so that nothing sent after that is missed.
 */
export async function startCapture(port: number): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-capture-'))
  const file = join(dir, 'lo.pcap')
  // segments without payload (pure ACKs) are half the packets and carry nothing to measure
  const filter = `tcp port ${port} and (((ip[2:2] - ((ip[0] & 0xf) << 2)) - ((tcp[12] & 0xf0) >> 2)) != 0)`
  const child: ChildProcess = spawn(
    'tcpdump',
    ['-i', 'lo', '-n', '-s', '0', '-B', '131072', '--time-stamp-precision=nano', '-w', file, filter],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  const listening = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (s: string) => {
      stderr += s
      if (/listening on/.test(stderr)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${stderr.trim()}`)))
    child.once('error', reject)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await listening
  return {
    file,
    async stop() {
      child.kill('SIGINT')
      await exited
      const m = /(\d+) packets? dropped by kernel/.exec(stderr)
      return { dropped: m ? Number(m[1]) : NaN }
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
