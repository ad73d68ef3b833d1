// A small router: method + path pattern with `:param` segments.
import type { IncomingMessage } from 'node:http'

export interface Call {
  req: IncomingMessage
  url: URL
  params: Record<string, string>
  /** the parsed JSON body (undefined when empty) */
  body(): Promise<unknown>
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (call: Call) => Promise<Reply>

interface Route {
  method: string
  parts: string[]
  handler: Handler
}

export class Router {
  private routes: Route[] = []

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler })
    return this
  }

  get(p: string, h: Handler) {
    return this.add('GET', p, h)
  }
  post(p: string, h: Handler) {
    return this.add('POST', p, h)
  }
  patch(p: string, h: Handler) {
    return this.add('PATCH', p, h)
  }
  delete(p: string, h: Handler) {
    return this.add('DELETE', p, h)
  }

  /** The handler and path parameters for a request, or null when no route matches. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | null {
    const segs = pathname.split('/').filter(Boolean)
    for (const r of this.routes) {
      if (r.method !== method || r.parts.length !== segs.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < segs.length && ok; i++) {
        const p = r.parts[i]
        if (p.startsWith(':')) {
          try {
            params[p.slice(1)] = decodeURIComponent(segs[i])
          } catch {
            ok = false
          }
        } else ok = p === segs[i]
      }
      if (ok) return { handler: r.handler, params }
    }
    return null
  }
}
