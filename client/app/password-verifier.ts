// Offline unlock: a PBKDF2-SHA256 hash (WebCrypto) of the password used at the last online login, kept on the device.
// The password itself is never stored; unlocking offline re-derives and compares.

export interface PasswordVerifier {
  algorithm: 'PBKDF2-SHA256'
  iterations: number
  salt: string // base64
  hash: string // base64
}

// ~0.3–0.6 s on a low-end phone: slow enough to hurt guessing, fast enough to unlock in the field.
export const DEFAULT_ITERATIONS = 120_000

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  )
  return new Uint8Array(bits)
}

export async function createVerifier(password: string, iterations = DEFAULT_ITERATIONS): Promise<PasswordVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, iterations)
  return { algorithm: 'PBKDF2-SHA256', iterations, salt: toBase64(salt), hash: toBase64(hash) }
}

export async function checkPassword(password: string, v: PasswordVerifier): Promise<boolean> {
  const hash = await derive(password, fromBase64(v.salt), v.iterations)
  const expected = fromBase64(v.hash)
  if (hash.length !== expected.length) return false
  let diff = 0
  for (let i = 0; i < hash.length; i++) diff |= (hash[i] ?? 0) ^ (expected[i] ?? 0)
  return diff === 0
}
