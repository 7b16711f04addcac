// The population-register import end to end: an import that changes a person in one of enum1's households shows a
// proposal on the phone, accepted there and stored on the server; the admin's import screen shows a file's errors by
// line and column with nothing changed, and re-importing a file already imported changes nothing.
// With SCREENSHOTS=1 the report with errors and the phone's proposal are saved in docs/screenshots/.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD, ROOT, serverHousehold, startE2E, type E2E } from './harness.ts'

const SHOTS = join(ROOT, process.env.SCREENSHOTS === '1' ? 'docs/screenshots' : '.tmp/screenshots')
const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
let e: E2E
let good = ''
let changed = ''
const tid = (page: Page, id: string) => page.getByTestId(id)

async function importCsv(csv: string): Promise<{ ok: boolean; created: number; proposals: number; unchanged: number }> {
  const token = await e.apiToken('admin1')
  const res = await fetch(`${e.baseUrl}/api/register/imports?period=2025`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  })
  return (await res.json()) as { ok: boolean; created: number; proposals: number; unchanged: number }
}
const householdOf = (code: string): string =>
  e.server.db
    .prepare('SELECT household_id FROM register_households WHERE household_code = ?')
    .pluck()
    .get(code) as string
const counts = () =>
  e.server.db
    .prepare(
      'SELECT (SELECT COUNT(*) FROM households) AS households, (SELECT COUNT(*) FROM doc_log) AS log, (SELECT SUM(server_seq) FROM households) AS seq',
    )
    .get()

beforeAll(async () => {
  e = await startE2E()
  mkdirSync(SHOTS, { recursive: true })
  const token = await e.apiToken('enum1')
  const { villages } = (await (
    await fetch(`${e.baseUrl}/api/villages`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { villages: { id: string; unitCode: string }[] }
  const v = villages[0]!
  const row = (name: string) => `HKE2E1,046080123456,${name},nam,1980-03-12,chủ hộ,Kinh,${v.unitCode},${v.id},12 Lê Lợi`
  good = [
    HEADER,
    row('Hoàng Văn Đăng Ký'),
    `HKE2E1,046185000777,Hồ Thị Mến,nữ,1985-04-04,vợ,Kinh,${v.unitCode},${v.id},12 Lê Lợi`,
  ].join('\r\n')
  changed = good.replace('Hồ Thị Mến', 'Hồ Thị Mến Thương')
  expect(await importCsv(good)).toMatchObject({ ok: true, created: 1 })
  expect(await importCsv(changed)).toMatchObject({ ok: true, created: 0, proposals: 1, unchanged: 1 })
})
afterAll(async () => {
  await e?.stop()
})

describe('register import', () => {
  it('a changed person shows as a proposal on the phone; accepting it stores the register value on the server', async () => {
    const { page } = await e.newPhone()
    await e.login(page)
    await tid(page, 'list-search').fill('Hoàng Văn Đăng Ký')
    await tid(page, 'household-row').first().click()
    await tid(page, 'proposals').waitFor()
    await expect(tid(page, 'proposal-diff').first().textContent()).resolves.toContain(
      '“Hồ Thị Mến” → “Hồ Thị Mến Thương”',
    )
    await page.screenshot({ path: join(SHOTS, 'register-proposal.png') })
    await tid(page, 'btn-proposal-accept').click()
    await tid(page, 'proposals').waitFor({ state: 'detached' })
    await page.locator('[data-testid="save-state"][data-state="synced"]').waitFor({ timeout: 90_000 })
    const stored = await serverHousehold(e.server, householdOf('HKE2E1'))
    expect(stored?.members.map((m) => m.fullName)).toEqual(['Hoàng Văn Đăng Ký', 'Hồ Thị Mến Thương'])
  })

  it('the admin screen lists the errors of a file by line and column and changes nothing; a file imported before changes nothing', async () => {
    const { page } = await e.newPhone({ scale: 2 })
    await page.goto(e.baseUrl)
    await tid(page, 'login-username').fill('admin1')
    await tid(page, 'login-password').fill(DEMO_PASSWORD)
    await tid(page, 'btn-login').click()
    await tid(page, 'review-list').waitFor()
    await tid(page, 'btn-menu').click()
    await tid(page, 'nav-register-import').click()
    await tid(page, 'register-import').waitFor()
    await page.locator('[data-testid="import-period"] option[value="2025"]').waitFor({ state: 'attached' })

    const before = counts()
    const bad = [
      HEADER,
      'HKE2E2,04608012345,Trần Văn Sai,nam,1980-03-12,chủ hộ,Kinh,19789,Không có thôn này,1 Đường',
      'HKE2E2,046180000001,Trần Thị Hai,nam,31/02/1981,vợ,Kinh,19789,Không có thôn này,1 Đường',
      'HKE2E3,046080123456,Hoàng Văn Đăng Ký,nam,1980-03-12,chủ hộ,Kinh,99999,Thôn X,2 Đường',
    ].join('\r\n')
    await tid(page, 'import-file').setInputFiles({
      name: 'ho-khau-loi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    })
    await tid(page, 'btn-import-check').click()
    await page.locator('[data-testid="import-report"][data-ok="false"]').waitFor()
    const rows = await tid(page, 'import-errors').locator('tbody tr').allTextContents()
    expect(rows.length).toBe(4)
    expect(rows[0]).toContain('2personal_id')
    expect(rows[1]).toContain('3birth_date')
    await expect(tid(page, 'btn-import-run').isDisabled()).resolves.toBe(true)
    // The screen scrolls inside the app's frame: a taller window shows the whole report in one picture.
    if (await tid(page, 'btn-pin-later').isVisible()) await tid(page, 'btn-pin-later').click()
    await page.setViewportSize({ width: 360, height: 1500 })
    await page.screenshot({ path: join(SHOTS, 'import-errors.png') })
    await page.setViewportSize({ width: 360, height: 740 })
    expect(counts()).toEqual(before)

    await tid(page, 'import-file').setInputFiles({
      name: 'ho-khau.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(changed),
    })
    await tid(page, 'btn-import-check').click()
    await page.locator('[data-testid="import-report"][data-ok="true"]').waitFor()
    await tid(page, 'btn-import-run').click()
    await page.locator('[data-testid="import-ok"]').filter({ hasText: 'Đã nhập xong' }).waitFor()
    await expect(tid(page, 'import-report').textContent()).resolves.toContain(
      '0 hộ mới, 0 đề xuất thay đổi, 2 người không đổi',
    )
    expect(counts()).toEqual(before)
  })
})
