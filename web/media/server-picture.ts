// A picture Sori's server made (a link preview's thumbnail, an app card's picture): fetched with the
// session, since an <img> cannot send the token, and shown from an object URL.
import { getToken } from '../account/api.ts'

/** `path` on this server as an object URL, or null when the server has none for this session. */
export async function serverPicture(path: string): Promise<string | null> {
  const token = getToken()
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  return res.ok ? URL.createObjectURL(await res.blob()) : null
}
