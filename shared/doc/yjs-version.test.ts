// The update inspector reads Yjs internals (Item.origin, parentSub, the map's _map): pin the version it was tested on.
// Bumping yjs must be a conscious act that re-runs the inspector's randomized suites, not a silent lockfile drift.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('yjs pin', () => {
  it('the installed yjs is the version the inspector was verified against', () => {
    const installed = JSON.parse(readFileSync(new URL('../../node_modules/yjs/package.json', import.meta.url), 'utf8'))
    const declared = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(installed.version).toBe('13.6.33')
    expect(declared.dependencies.yjs).toBe('13.6.33')
  })
})
