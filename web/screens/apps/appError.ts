// Why the server refused an app's details, said in the user's language. A refusal of the details is a
// 400 whose (English) message names the field; every other failure has a code of its own (errors.*).
import { errorText } from '../../app/errors.ts'
import { t } from '../../app/t.ts'

// the server's phrasings (server/apps/input.ts), field by field; the first that matches names it
const REASONS: [RegExp, string][] = [
  [/^An app('s name| needs a name)/, 'apps.error.name'],
  [/^webhookUrl |a webhook must be/, 'apps.error.webhookUrl'],
  [/^launchUrl (must|is|has|carries)|^A launch URL/, 'apps.error.launchUrl'],
  [/origin|domains|must be https/, 'apps.error.domains'],
]

export function appErrorText(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : ''
  if (code === 'bad_request') {
    const why = (e as Error).message
    const hit = REASONS.find(([re]) => re.test(why))
    if (hit) return t(hit[1])
  }
  return errorText(e)
}
