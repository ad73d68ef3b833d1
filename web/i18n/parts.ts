// Each locale's strings come in two parts: what the first screens need (`core`), and the sections only
// screens behind a tap use (`later`: channels, coupons, settings...), loaded with those screens so that a
// phone's first visit does not download them. The files in locales/ stay whole; the build splits them.
export type Part = 'core' | 'later'

/** the top-level sections of a locale file that go in `later`; every other section is `core` */
export const LATER_SECTIONS: readonly string[] = [
  'channels',
  'coupons',
  'channelStats',
  'scheduled',
  'settings',
  'account',
  'notify',
  'shareIn',
  'share',
  'apps',
]

/** The part of a locale file's sections. */
export function pickPart(all: Record<string, unknown>, part: Part): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(all)) if (LATER_SECTIONS.includes(k) === (part === 'later')) out[k] = v
  return out
}
