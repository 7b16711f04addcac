// The report screen in desktop Chromium against the real server and the demo seed: a supervisor opens the commune's
// report, sees the server's figures in the tables and a chart canvas, and the report follows an enumerator's commit
// live. With SCREENSHOTS=1 it writes docs/screenshots/console-report.png.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../server/test-support/household-fixture.ts'
import { SyncClient } from '../server/relay/test-client.ts'
import type { Report } from '../server/reports/report.ts'
import { CLIENT_DIR, ROOT, startE2E, type E2E, openConsole } from './harness.ts'

const SHOTS = process.env.SCREENSHOTS === '1'
let e: E2E
const contexts: BrowserContext[] = []
const pageErrors: string[] = []

async function consolePage(username: string, hash: string): Promise<Page> {
  const { page, context } = await openConsole(e, username, { hash, pageErrors })
  contexts.push(context)
  return page
}

async function serverReport(username: string): Promise<Report> {
  const res = await fetch(`${e.baseUrl}/api/reports`, {
    headers: { authorization: `Bearer ${await e.apiToken(username)}` },
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Report
}

const cellText = (page: Page, table: string, area: string, col: string) =>
  page.locator(`[data-testid="reports-table-${table}"] tr[data-area="${area}"] td[data-col="${col}"]`).textContent()

beforeAll(async () => {
  e = await startE2E()
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined)
  await e?.stop()
  expect(pageErrors).toEqual([])
})

describe('console reports', () => {
  it('a supervisor opens the commune report: the server’s figures, a chart, live after an enumerator’s commit', async () => {
    const expected = await serverReport('sup1')
    expect(expected.area.level).toBe('commune')
    const page = await consolePage('sup1', '#reports')
    await page.locator('[data-testid="reports-state"][data-state="live"]').waitFor()
    expect(await page.getByTestId('reports-state').textContent()).toContain('Số liệu trực tiếp')
    await page.getByTestId('reports-chart').waitFor()
    expect(await page.getByTestId('reports-chart').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0)

    const totals = expected.tables.find((t) => t.id === 'totals')!
    const col = (key: string) => totals.columns.findIndex((c) => c.key === key)
    const num = (n: number) => n.toLocaleString('vi-VN')
    expect(await cellText(page, 'totals', 'total', 'total')).toBe(num(totals.total.values[col('total')]!))
    expect(await cellText(page, 'totals', 'total', 'poor')).toBe(num(totals.total.values[col('poor')]!))
    const first = totals.rows[0]!
    expect(await cellText(page, 'totals', first.area!, 'nearPoor')).toBe(num(first.values[col('nearPoor')]!))
    const rate = first.values[col('poorRate')]!
    expect(await cellText(page, 'totals', first.area!, 'poorRate')).toBe(
      rate.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    )
    if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-report.png') })

    // enum1 submits one of its households: the progress table follows without a reload.
    const progress = expected.tables.find((t) => t.id === 'progress')!
    const submitted = progress.total.values[progress.columns.findIndex((c) => c.key === 'submitted')]!
    const target = e.server.db
      .prepare(
        `SELECT h.id FROM households h JOIN assignments a ON a.village_id = h.village_id JOIN users u ON u.id = a.user_id
         WHERE u.username = 'enum1' AND h.status IN ('assigned', 'in_progress') ORDER BY h.id LIMIT 1`,
      )
      .pluck()
      .get() as string
    const status = e.server.db.prepare('SELECT status FROM households WHERE id = ?').pluck().get(target) as string
    const c = await SyncClient.connect({ url: e.baseUrl, token: await e.apiToken('enum1'), deviceId: 'enum1-reports' })
    const welcome = (await c.hello()) as { userId: string }
    await c.manifest([])
    const r = new DeviceReplica(77_002)
    for (const u of c.updates.get(target) ?? []) r.apply(u)
    if (status === 'assigned') expect(r.household.changeStatus('in_progress', { by: welcome.userId }).ok).toBe(true)
    expect(r.household.changeStatus('submitted', { by: welcome.userId }).ok).toBe(true)
    expect(await c.sendUpdate(target, r.take())).toMatchObject({ type: 'ack' })
    await c.close()
    await page
      .locator(
        `[data-testid="reports-table-progress"] tr[data-area="total"] td[data-col="submitted"]:text-is("${num(submitted + 1)}")`,
      )
      .waitFor()
  })

  it('chart.js travels only in the report screen’s chunk, never in the entry or console chunks', () => {
    const assets = join(CLIENT_DIR, 'assets')
    const withChart = readdirSync(assets).filter(
      (f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('Canvas is already in use'),
    )
    expect(withChart).toHaveLength(1)
    expect(withChart[0]).toMatch(/^ReportsView-/)
  })

  it('a closed period shows "Số liệu đã chốt"', async () => {
    e.server.db.prepare(`UPDATE periods SET status = 'closed', closed_at = ? WHERE is_current = 1`).run(Date.now())
    const page = await consolePage('sup1', '#reports')
    await page.locator('[data-testid="reports-state"][data-state="frozen"]').waitFor()
    expect(await page.getByTestId('reports-state').textContent()).toContain('Số liệu đã chốt')
  })
})
