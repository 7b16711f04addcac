// The password policy: length, the deny-list (also with digits added or diacritics changed), runs and repeats,
// closeness to the username; the demo passwords and the passwords tests use pass.

import { describe, expect, it } from 'vitest'
import { demoPassword } from '../seed/demo.ts'
import { foldPassword, passwordProblem } from './password-policy.ts'

describe('password policy', () => {
  it('needs 10 to 200 characters (counted as characters, not bytes)', () => {
    expect(passwordProblem('k7mq-c2x')).toBe('at least 10 characters')
    expect(passwordProblem('mật khẩu ơi')).toBeNull() // 11 characters, more bytes
    expect(passwordProblem('x'.repeat(201))).toBe('at most 200 characters')
  })

  it('refuses common passwords, also with digits or punctuation added and with diacritics', () => {
    for (const p of [
      '1234567890',
      'qwertyuiop',
      'Password123',
      'password-123',
      'matkhau2025!',
      'Mật khẩu 123',
      'anhyeuem1234',
      'rasoat2025',
      'iloveyou!!!',
    ])
      expect(passwordProblem(p), p).toBe('too common')
  })

  it('refuses runs and repeats', () => {
    for (const p of ['aaaaaaaaaaaa', 'abcdefghijk', '98765432109'.slice(0, 10), 'ababababab'])
      expect(passwordProblem(p), p).toBe('too easy to guess')
  })

  it('refuses a password that is little more than the username', () => {
    expect(passwordProblem('thanhlan-1990', 'thanhlan')).toBe('too close to the username')
    expect(passwordProblem('nguyenlan-hue', 'nguyenlan')).toBe('too close to the username')
    expect(passwordProblem('mật khẩu quản trị', 'quan')).toBeNull()
  })

  it('accepts the passwords used by the demo, the tests and the e2e harness', () => {
    for (const p of [
      'correct horse battery',
      'e2e-demo-password',
      'demo-pass-2025',
      'demo-password-1',
      'long enough',
      'mật khẩu dài',
    ])
      expect(passwordProblem(p, 'enum1'), p).toBeNull()
    for (let i = 0; i < 200; i++) expect(passwordProblem(demoPassword(), 'obs1')).toBeNull()
    expect(demoPassword()).toMatch(/^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}$/)
  })

  it('folds case, diacritics and separators', () => {
    expect(foldPassword('Mật-Khẩu Đẹp_1')).toBe('matkhaudep1')
  })
})
