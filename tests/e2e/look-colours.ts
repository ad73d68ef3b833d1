// Reading colours in the browser for the look tests: a computed colour, the background behind an element
// (the first ancestor that paints one), and the WCAG contrast ratio between two colours.
import type { Locator } from 'playwright-core'

export type Rgb = [number, number, number]

/** The element's text colour and the opaque background it sits on, as computed by the browser. */
export function colours(locator: Locator): Promise<{ fg: Rgb; bg: Rgb }> {
  return locator.first().evaluate((el) => {
    const parse = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number)
    const fg = parse(getComputedStyle(el).color).slice(0, 3)
    let node: Element | null = el
    while (node) {
      const c = parse(getComputedStyle(node).backgroundColor)
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return { fg, bg: c.slice(0, 3) }
      node = node.parentElement
    }
    return { fg, bg: [255, 255, 255] }
  }) as Promise<{ fg: Rgb; bg: Rgb }>
}

/** The background colour the element itself paints. */
export function background(locator: Locator): Promise<string> {
  return locator.first().evaluate((el) => getComputedStyle(el).backgroundColor)
}

export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}
