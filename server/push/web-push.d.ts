// The part of the `web-push` package (3.6, CommonJS, no bundled types) that server/push/ uses.
declare module 'web-push' {
  export interface PushSubscription {
    endpoint: string
    keys: { p256dh: string; auth: string }
  }
  export interface RequestOptions {
    TTL?: number
    urgency?: 'very-low' | 'low' | 'normal' | 'high'
    topic?: string
    contentEncoding?: 'aes128gcm' | 'aesgcm'
    /** null: no VAPID header is made (we pass our own Authorization, signed once per push service) */
    vapidDetails?: { subject: string; publicKey: string; privateKey: string } | null
    headers?: Record<string, string>
  }
  export interface RequestDetails {
    method: 'POST'
    headers: Record<string, string | number>
    body: Buffer | null
    endpoint: string
  }
  export function generateRequestDetails(
    sub: PushSubscription,
    payload: string | Buffer,
    options?: RequestOptions,
  ): RequestDetails
  export function generateVAPIDKeys(): { publicKey: string; privateKey: string }
  export function getVapidHeaders(
    audience: string,
    subject: string,
    publicKey: string,
    privateKey: string,
    contentEncoding: 'aes128gcm' | 'aesgcm',
    expiration?: number,
  ): { Authorization: string }
  const webpush: {
    generateRequestDetails: typeof generateRequestDetails
    generateVAPIDKeys: typeof generateVAPIDKeys
    getVapidHeaders: typeof getVapidHeaders
  }
  export default webpush
}
