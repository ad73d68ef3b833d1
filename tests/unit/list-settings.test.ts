// The chat list's per-chat settings: what is muted when, what shows in which list and in which order,
// what the unread total counts, and what is kept of a value another client wrote.
import { describe, expect, test } from 'vitest'
import {
  arrange,
  isHidden,
  isMuted,
  nextMuteEnd,
  parseSettings,
  settingKey,
  unreadTotal,
  type ChatSettings,
} from '../../web/models/chat-settings.ts'

const chat = (id: string, ts: number, unread = 0) => ({ id, ts, unread })
const ids = (list: { id: string }[]) => list.map((c) => c.id)

describe('mute', () => {
  test('a mute for a time ends at that time; "forever" does not end', () => {
    expect(isMuted({ mutedUntil: 2_000 }, 1_999)).toBe(true)
    expect(isMuted({ mutedUntil: 2_000 }, 2_000)).toBe(false)
    expect(isMuted({ mutedUntil: 'forever' }, Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(isMuted({}, 0)).toBe(false)
    expect(isMuted(undefined, 0)).toBe(false)
  })

  test('the next mute to end is the soonest one still running', () => {
    const s = new Map<string, ChatSettings>([
      ['a', { mutedUntil: 5_000 }],
      ['b', { mutedUntil: 3_000 }],
      ['c', { mutedUntil: 1_000 }],
      ['d', { mutedUntil: 'forever' }],
    ])
    expect(nextMuteEnd(s, 2_000)).toBe(3_000)
    expect(nextMuteEnd(s, 6_000)).toBe(null)
  })
})

describe('order', () => {
  const list = [chat('old', 1), chat('new', 3), chat('mid', 2)]

  test('newest first without settings', () => {
    expect(ids(arrange(list, new Map(), false))).toEqual(['new', 'mid', 'old'])
  })

  test('pinned chats first, the latest pinned on top, whatever their messages', () => {
    const s = new Map<string, ChatSettings>([
      ['old', { pinned: 100 }],
      ['mid', { pinned: 200 }],
    ])
    expect(ids(arrange(list, s, false))).toEqual(['mid', 'old', 'new'])
  })

  test('archived chats are in their own list only', () => {
    const s = new Map<string, ChatSettings>([['new', { archived: true, pinned: 1 }]])
    expect(ids(arrange(list, s, false))).toEqual(['mid', 'old'])
    expect(ids(arrange(list, s, true))).toEqual(['new'])
  })

  test('a chat deleted from the list comes back with a newer message', () => {
    const s = new Map<string, ChatSettings>([['mid', { hiddenAt: 2 }]])
    expect(ids(arrange(list, s, false))).toEqual(['new', 'old'])
    expect(isHidden({ hiddenAt: 2 }, 3)).toBe(false)
    expect(ids(arrange([chat('mid', 3), chat('old', 1)], s, false))).toEqual(['mid', 'old'])
  })
})

test('the unread total leaves out muted and hidden chats, while a mute runs', () => {
  const list = [chat('a', 1, 2), chat('b', 2, 3), chat('c', 3, 4)]
  const s = new Map<string, ChatSettings>([
    ['a', { mutedUntil: 1_000 }],
    ['c', { hiddenAt: 3 }],
  ])
  expect(unreadTotal(list, s, 500)).toBe(3)
  expect(unreadTotal(list, s, 1_000)).toBe(5)
})

test('settings keep only well-formed fields, under a key the inbox grammar accepts', () => {
  expect(parseSettings({ mutedUntil: 'soon', pinned: '1', archived: 'yes', hiddenAt: 4, x: 1 })).toEqual({ hiddenAt: 4 })
  expect(parseSettings([1])).toEqual({})
  expect(parseSettings(null)).toEqual({})
  expect(settingKey('AbCdEfGhIjKl')).toMatch(/^[A-Za-z][A-Za-z0-9._-]{0,39}$/)
})
