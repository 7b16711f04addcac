// Offline unlock checks the same password as the online login, against a PBKDF2 hash stored on the device.
import { describe, expect, it } from 'vitest'
import { checkPassword, createVerifier, fromBase64, toBase64 } from './password-verifier.ts'

describe('password verifier (offline unlock)', () => {
  it('accepts the login password and refuses another', async () => {
    const v = await createVerifier('mật-khẩu 1', 1000)
    expect(v.hash).not.toContain('mật')
    expect(await checkPassword('mật-khẩu 1', v)).toBe(true)
    expect(await checkPassword('mat-khau 1', v)).toBe(false)
  })
  it('base64 round-trips bytes', () => {
    const b = new Uint8Array([0, 1, 254, 255, 128])
    expect(fromBase64(toBase64(b))).toEqual(b)
  })
})
