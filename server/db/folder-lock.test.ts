// The data folder's lock: one server alone, or several relays that share it (REDIS_URL) — never a mix of the two.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { lockDataDir, type FolderLock } from './folder-lock.ts'

let dir: string
const held: FolderLock[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rasoat-lock-'))
})

afterEach(() => {
  for (const l of held.splice(0)) l.release()
  rmSync(dir, { recursive: true, force: true })
})

const take = (shared: boolean): FolderLock => {
  const l = lockDataDir(dir, 'server', { shared })
  held.push(l)
  return l
}

it('several relays that share the folder hold the lock together', () => {
  take(true)
  take(true)
  expect(() => take(true)).not.toThrow()
})

it('a server that does not share is refused while relays share the folder, and they are refused while it holds it', () => {
  const shared = take(true)
  expect(() => take(false)).toThrow(expect.objectContaining({ code: 'data/locked' }))
  shared.release()
  take(false)
  expect(() => take(true)).toThrow(
    expect.objectContaining({ code: 'data/locked', message: expect.stringContaining('REDIS_URL') }),
  )
})

it('a second server that does not share is refused as before', () => {
  take(false)
  expect(() => take(false)).toThrow(expect.objectContaining({ code: 'data/locked' }))
})
