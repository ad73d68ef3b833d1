// The sync engine's log lines.
import { logger } from '../log.ts'

export const log = logger('sync')
