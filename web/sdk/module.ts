// The ES module /sdk/v1/sori.mjs: `import Sori from 'https://sori.example/sdk/v1/sori.mjs'`. Sori's origin
// defaults to the one this module was loaded from.
import { createSori } from './sori.ts'

export type { SoriApi, SoriError, SoriErrorCode, SoriInitOptions, SoriSendResult } from './sori.ts'

const Sori = createSori(new URL(import.meta.url).origin)
export default Sori
