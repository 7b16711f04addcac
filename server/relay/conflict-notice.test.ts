// A phone's CONFLICT notice stays within the protocol's candidate bound however many candidates an open conflict gathers.
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage, MAX_CONFLICT_CANDIDATES } from '../../shared/sync/protocol.ts'
import type { RecordedConflict } from '../store/projections.ts'
import { conflictNotice } from './device-connection.ts'

const conflict = (n: number): RecordedConflict => ({
  id: 7,
  householdId: 'hh-1',
  path: 'dwelling.floorAreaM2',
  candidates: Array.from({ length: n }, (_, i) => ({
    value: i,
    clientId: 1000 + i,
    userId: `u${i}`,
    deviceId: `d${i}`,
    at: i,
  })),
  kept: n - 1,
})

describe('CONFLICT notice', () => {
  it('carries every candidate of a small conflict', () => {
    const decoded = decodeMessage(encodeMessage(conflictNotice(conflict(3))))
    expect(decoded.ok && decoded.message.type === 'conflict' && decoded.message.candidates.map((c) => c.value)).toEqual(
      [0, 1, 2],
    )
  })

  it('keeps the newest candidates when an open conflict gathered more than the protocol allows, so the phone can decode it', () => {
    const n = MAX_CONFLICT_CANDIDATES + 6
    const decoded = decodeMessage(encodeMessage(conflictNotice(conflict(n))))
    expect(decoded.ok).toBe(true)
    if (!decoded.ok || decoded.message.type !== 'conflict') return
    expect(decoded.message.candidates).toHaveLength(MAX_CONFLICT_CANDIDATES)
    expect(decoded.message.candidates.at(-1)).toMatchObject({
      value: n - 1,
      clientId: 1000 + n - 1,
      userId: `u${n - 1}`,
    })
    expect(decoded.message.kept).toBe(n - 1)
  })
})
