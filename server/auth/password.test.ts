// scrypt password hashes: verify right/wrong passwords, salt makes equal passwords hash differently, bad strings fail.

import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './password.ts'

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const h = await hashPassword('mật khẩu đúng')
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('mật khẩu đúng', h)).toBe(true)
    expect(await verifyPassword('mat khau dung', h)).toBe(false)
  })

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
  })

  it('keeps the cost parameters in the hash so they can change later', async () => {
    const h = await hashPassword('cheap', { N: 1024, r: 8, p: 1 })
    expect(h.startsWith('scrypt$1024$8$1$')).toBe(true)
    expect(await verifyPassword('cheap', h)).toBe(true)
  })

  it('rejects malformed stored hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$a$b', 'scrypt$16384$8$1$AAAA$short']) {
      expect(await verifyPassword('x', bad)).toBe(false)
    }
  })
})
