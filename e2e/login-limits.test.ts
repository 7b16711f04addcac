// The sign-in screen when the server delays an account after failed sign-ins: it says how long to wait, in Vietnamese
// and in English, from the server's answer; after an admin lifts the delay the same phone signs in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

const signIn = (username: string, password: string) =>
  fetch(`${e.baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })

describe('sign-in delay on the login screen', () => {
  it('shows "try again in N seconds" (vi, then en), and signs in after an admin unlock', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('enum1', 'not the password')).status).toBe(401)
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await page.getByTestId('login-username').fill('enum1')
    await page.getByTestId('login-password').fill(DEMO_PASSWORD) // the right password waits too
    await page.getByTestId('btn-login').click()
    const error = page.getByTestId('login-error')
    await error.waitFor()
    const vi = /^Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau (\d+) giây\.$/.exec(
      (await error.textContent()) ?? '',
    )
    expect(vi, (await error.textContent()) ?? '').not.toBeNull()
    expect(Number(vi?.[1])).toBeGreaterThan(0)
    expect(Number(vi?.[1])).toBeLessThanOrEqual(30)

    await page.getByTestId('btn-lang').click()
    await page.getByTestId('btn-login').click()
    await expect.poll(() => error.textContent()).toMatch(/^Too many failed sign-ins\. Try again in \d+ seconds\.$/)

    const admin = (await (await signIn('admin1', DEMO_PASSWORD)).json()) as { token: string }
    const unlock = await fetch(`${e.baseUrl}/api/users/enum1/unlock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
    })
    expect(await unlock.json()).toEqual({ username: 'enum1', wasDelayed: true })
    await page.getByTestId('btn-login').click()
    await page.getByTestId('household-list').waitFor()
  })
})
