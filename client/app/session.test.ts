// How the sign-in screen words the server's wait (details.retryAfterS): a moment, seconds, or minutes rounded up.
import { describe, expect, it } from 'vitest'
import { waitToSay } from './session.ts'

describe('waitToSay', () => {
  it('says a moment under 10 s, seconds up to 90 s, then whole minutes rounded up', () => {
    expect(waitToSay(1)).toEqual({ unit: 'moment', n: 1 })
    expect(waitToSay(30)).toEqual({ unit: 'seconds', n: 30 })
    expect(waitToSay(89)).toEqual({ unit: 'seconds', n: 89 })
    expect(waitToSay(90)).toEqual({ unit: 'minutes', n: 2 })
    expect(waitToSay(900)).toEqual({ unit: 'minutes', n: 15 })
  })
})
