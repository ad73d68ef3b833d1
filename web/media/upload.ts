// Sends one file as a resumable upload (docs/protocol.md, "Media"): announce it, then PATCH it in pieces,
// asking the server where it stands after anything goes wrong. XMLHttpRequest rather than fetch, for
// the upload progress events. The upload id is handed to `saveId` as soon as it exists, so that an
// upload cut off by a reload goes on from where the server stands instead of starting over.
import type { BlobInfo, MediaKind, UploadCreated } from '../../protocol/api.ts'

/** small enough to finish well within the server's 30 s per request on a slow phone connection */
const PIECE = 512 * 1024

export class UploadFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`upload failed: ${status} ${code}`)
    this.name = 'UploadFailure'
  }
  /** a refusal that the same file will meet again (too large, over quota, not an image): do not retry */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 409 && this.status !== 429
  }
}

export interface UploadJob {
  convId: string
  kind: MediaKind
  file: Blob
  name?: string
  token: string
  /** an upload announced before (by this device, before a reload) */
  uploadId?: string
  saveId(id: string): Promise<void>
  onProgress(sent: number): void
  /** aborted when the user cancels the send: the request under way stops, and upload() throws UploadCancelled */
  signal?: AbortSignal
}

/** The user cancelled the send (UploadJob.signal). */
export class UploadCancelled extends Error {
  constructor() {
    super('upload cancelled')
    this.name = 'UploadCancelled'
  }
}

interface Answer {
  status: number
  offset: number | null
  body: unknown
}

function request(
  method: string,
  url: string,
  token: string,
  body: Blob | string | null,
  headers: Record<string, string>,
  { onSent, signal }: { onSent?: (n: number) => void; signal?: AbortSignal } = {},
): Promise<Answer> {
  if (signal?.aborted) return Promise.reject(new UploadCancelled())
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    const cancel = () => {
      x.abort()
      reject(new UploadCancelled())
    }
    signal?.addEventListener('abort', cancel, { once: true })
    x.onloadend = () => signal?.removeEventListener('abort', cancel)
    x.open(method, url)
    x.setRequestHeader('authorization', `Bearer ${token}`)
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v)
    if (onSent) x.upload.onprogress = (e) => onSent(e.loaded)
    x.onload = () => {
      let parsed: unknown = null
      try {
        parsed = x.responseText ? JSON.parse(x.responseText) : null
      } catch {
        /* not JSON */
      }
      const off = x.getResponseHeader('upload-offset')
      resolve({ status: x.status, offset: off === null ? null : Number(off), body: parsed })
    }
    // the network went: status 0, asked again from HEAD by the caller
    x.onerror = x.ontimeout = () => resolve({ status: 0, offset: null, body: null })
    x.send(body)
  })
}

const codeOf = (a: Answer) => ((a.body as { error?: { code?: string } } | null)?.error?.code ?? String(a.status)) || 'network'

/**
 * Uploads the whole file; resolves with the stored blob, or throws UploadFailure (status 0: offline) or
 * UploadCancelled.
 */
export async function upload(job: UploadJob): Promise<BlobInfo> {
  const size = job.file.size
  let id = job.uploadId
  let offset = 0
  if (id) {
    const head = await request('HEAD', `/api/uploads/${id}`, job.token, null, {}, { signal: job.signal })
    if (head.status === 204 && head.offset !== null) offset = head.offset
    else if (head.status === 0) throw new UploadFailure(0, 'network')
    else id = undefined // expired or unknown: announce it again
  }
  if (!id) {
    const body: Record<string, unknown> = { kind: job.kind, size }
    if (job.name) body.name = job.name
    const a = await request(
      'POST',
      `/api/chats/${job.convId}/uploads`,
      job.token,
      JSON.stringify(body),
      { 'content-type': 'application/json' },
      { signal: job.signal },
    )
    if (a.status !== 201) throw new UploadFailure(a.status, codeOf(a))
    id = (a.body as UploadCreated).id
    await job.saveId(id)
  }
  job.onProgress(offset)
  for (let tries = 0; ;) {
    const end = Math.min(size, offset + PIECE)
    const a = await request(
      'PATCH',
      `/api/uploads/${id}`,
      job.token,
      job.file.slice(offset, end),
      { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
      { onSent: (n) => job.onProgress(offset + n), signal: job.signal },
    )
    if (a.status === 201) {
      job.onProgress(size)
      return a.body as BlobInfo
    }
    if (a.status === 204 && a.offset !== null) {
      offset = a.offset
      tries = 0
      continue
    }
    if (a.status === 0) throw new UploadFailure(0, 'network')
    if (++tries > 5) throw new UploadFailure(a.status, codeOf(a))
    if (a.status === 409 && a.offset !== null) {
      offset = a.offset
      continue
    }
    if (a.status === 409 || a.status >= 500) {
      await new Promise((r) => setTimeout(r, 1000 * tries))
      const head = await request('HEAD', `/api/uploads/${id}`, job.token, null, {}, { signal: job.signal })
      if (head.status === 204 && head.offset !== null) offset = head.offset
      continue
    }
    throw new UploadFailure(a.status, codeOf(a))
  }
}

/**
 * Cancels upload `id` on the server, which frees its share of the quota (an open upload holds all it
 * announced for 24 hours). Best effort: a PATCH the server has not seen end yet is answered 409 for a
 * moment, so it asks a few times; offline, the server's expiry does it.
 */
export async function cancelUpload(id: string, token: string): Promise<void> {
  for (let tries = 0; tries < 4; tries++) {
    const a = await request('DELETE', `/api/uploads/${id}`, token, null, {})
    if (a.status !== 409) return
    await new Promise((r) => setTimeout(r, 500 * 2 ** tries))
  }
}
