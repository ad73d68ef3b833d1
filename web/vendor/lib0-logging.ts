// lib0/logging for the PWA build (vite.config.ts aliases it): the same console output, without the
// lib0/dom module lib0's browser version imports for one small helper, which brings lib0/schema with it
// (about 2 KB gzip of the sync chunk, on the path to the first signed-in screen). Yjs uses print, warn
// and the style marks only; a name missing here fails the build rather than the app.
import { supportsColor } from 'lib0/environment'

export const BOLD = Symbol()
export const UNBOLD = Symbol()
export const BLUE = Symbol()
export const GREY = Symbol()
export const GREEN = Symbol()
export const RED = Symbol()
export const PURPLE = Symbol()
export const ORANGE = Symbol()
export const UNCOLOR = Symbol()

const STYLES = new Map<symbol, [string, string]>([
  [BOLD, ['font-weight', 'bold']],
  [UNBOLD, ['font-weight', 'normal']],
  [BLUE, ['color', 'blue']],
  [GREEN, ['color', 'green']],
  [GREY, ['color', 'grey']],
  [RED, ['color', 'red']],
  [PURPLE, ['color', 'purple']],
  [ORANGE, ['color', 'orange']],
  [UNCOLOR, ['color', 'black']],
])

type Arg = unknown

/** lib0's own loop (logging.js): leading strings and numbers become one styled format string. */
function browserArgs(args: Arg[]): unknown[] {
  if (args.length === 1 && (args[0] as { constructor?: unknown } | null)?.constructor === Function)
    args = (args[0] as () => Arg[])()
  const parts: string[] = []
  const styles: string[] = []
  const current = new Map<string, string>()
  let logArgs: unknown[] = []
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i]
    const style = typeof arg === 'symbol' ? STYLES.get(arg) : undefined
    if (style !== undefined) {
      current.set(style[0], style[1])
    } else {
      if (arg === undefined || arg === null) break
      if (arg.constructor === String || arg.constructor === Number) {
        const css = [...current].map(([k, v]) => `${k}:${v};`).join('')
        if (i > 0 || css.length > 0) {
          parts.push('%c' + String(arg))
          styles.push(css)
        } else parts.push(String(arg))
      } else break
    }
  }
  if (i > 0) logArgs = [parts.join(''), ...styles]
  for (; i < args.length; i++) if (!(args[i] instanceof Symbol)) logArgs.push(args[i])
  return logArgs
}

/** lib0's logging.common.js, where the console has no colours. */
function plainArgs(args: Arg[]): unknown[] {
  if (args.length === 1 && (args[0] as { constructor?: unknown } | null)?.constructor === Function)
    args = (args[0] as () => Arg[])()
  const parts: string[] = []
  const logArgs: unknown[] = []
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i]
    if (arg === undefined) break
    else if (arg !== null && (arg.constructor === String || arg.constructor === Number)) parts.push(String(arg))
    else if (arg !== null && arg.constructor === Object) break
  }
  if (i > 0) logArgs.push(parts.join(''))
  for (; i < args.length; i++) if (!(args[i] instanceof Symbol)) logArgs.push(args[i])
  return logArgs
}

const loggingArgs = supportsColor ? browserArgs : plainArgs

export const print = (...args: Arg[]): void => console.log(...loggingArgs(args))
export const warn = (...args: Arg[]): void => console.warn(...loggingArgs(args))
export const printError = (err: Error): void => console.error(err)
