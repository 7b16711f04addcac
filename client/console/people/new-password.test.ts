// A generated password has the promised shape and passes the server's policy for any username.

import { describe, expect, it } from 'vitest'
import { passwordProblem } from '../../../server/auth/password-policy.ts'
import { newPassword } from './new-password.ts'

describe('newPassword', () => {
  it('is four groups of four unambiguous characters, different each time, and passes the policy', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const p = newPassword()
      expect(p).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/)
      expect(passwordProblem(p, 'nguyen.van.an')).toBeNull()
      seen.add(p)
    }
    expect(seen.size).toBe(50)
  })
})
