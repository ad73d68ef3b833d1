// Typing "@" in a group: which "@…" is being typed, whom it could name, and the text once one is picked.
import { describe, expect, it } from 'vitest'
import { mentionAt, mentionMatches, withMention } from '../../web/screens/room/mentions.ts'
import { mentionPattern } from '../../protocol/messages.ts'
import type { Profile } from '../../protocol/api.ts'

const person = (handle: string, name: string): Profile => ({ id: 'u' + handle.replace(/\W/g, ''), handle, name, status: '' })
const people = [person('mina.k', 'Mina Kim'), person('joon', 'Joon Park'), person('minsu', '김민수'), person('', '')]

describe('mentionAt', () => {
  it('finds the "@…" before the caret, at the start or after a space', () => {
    expect(mentionAt('@', 1)).toEqual({ start: 0, end: 1, query: '' })
    expect(mentionAt('hi @mi', 6)).toEqual({ start: 3, end: 6, query: 'mi' })
    expect(mentionAt('hi @민', 5)).toEqual({ start: 3, end: 5, query: '민' })
    // the caret inside the word: what is before it
    expect(mentionAt('hi @mina later', 6)).toEqual({ start: 3, end: 6, query: 'mi' })
  })

  it('is not an e-mail address, a word ended by a space, or an "@" the caret left', () => {
    expect(mentionAt('ana@mail', 8)).toBeNull()
    expect(mentionAt('@mina ', 6)).toBeNull()
    expect(mentionAt('@mina hello', 11)).toBeNull()
    expect(mentionAt('no at here', 10)).toBeNull()
  })
})

describe('mentionMatches', () => {
  it('offers everyone with a handle for a bare "@", handles before names', () => {
    expect(mentionMatches(people, '').map((p) => p.handle)).toEqual(['joon', 'mina.k', 'minsu'])
    expect(mentionMatches(people, 'min').map((p) => p.handle)).toEqual(['mina.k', 'minsu'])
    expect(mentionMatches(people, 'park').map((p) => p.handle)).toEqual(['joon'])
    expect(mentionMatches(people, '민').map((p) => p.handle)).toEqual(['minsu'])
    expect(mentionMatches(people, 'MIN').map((p) => p.handle)).toEqual(['mina.k', 'minsu'])
    expect(mentionMatches(people, 'zz')).toEqual([])
  })
})

describe('withMention', () => {
  it('puts the @handle and one space where the "@…" was, and says where the caret goes', () => {
    const text = 'hi @mi'
    const next = withMention(text, mentionAt(text, 6)!, 'mina.k')
    expect(next).toEqual({ text: 'hi @mina.k ', caret: 11 })
    const mid = 'hi @mi see you'
    expect(withMention(mid, mentionAt(mid, 6)!, 'mina.k')).toEqual({ text: 'hi @mina.k see you', caret: 11 })
    const inside = 'hi @mina later'
    expect(withMention(inside, mentionAt(inside, 6)!, 'mina.k')).toEqual({ text: 'hi @mina.k later', caret: 11 })
  })

  it('writes what the server counts as a mention of that person', () => {
    const text = 'lunch? @민'
    const { text: sent } = withMention(text, mentionAt(text, text.length)!, 'minsu')
    expect(mentionPattern('minsu').test(sent)).toBe(true)
  })
})
