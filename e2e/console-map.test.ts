// The supervisor's console in desktop Chromium against the real server and the demo seed: the live map shows the
// commune's pins and moves/recolours one without a reload after an enumerator's acknowledged edit; progress follows
// live; the review queue lists submitted records; a supervisor of another commune sees none of it.
// With SCREENSHOTS=1 it writes docs/screenshots/console-map.png, console-progress.png, console-review-queue.png.
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeviceReplica } from '../server/relay/testing/household-fixture.ts'
import { SyncClient } from '../server/relay/test-client.ts'
import { DEMO_PASSWORD, ROOT, startE2E, type E2E } from './harness.ts'

const SHOTS = process.env.SCREENSHOTS === '1'
const DESKTOP = { width: 1366, height: 900 }
let e: E2E
let contexts: BrowserContext[] = []
let unit = ''
let target: { id: string; lat: number; lng: number; status: string; village_id: string }

async function consolePage(username: string, hash: string): Promise<Page> {
  const context = await e.browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (err) => {
    throw err
  })
  await page.goto(`${e.baseUrl}/${hash}`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('btn-login').click()
  await page.getByTestId('console').waitFor()
  return page
}

/** enum1's phone as a frame-level /sync client holding `id`. */
async function enumeratorDevice(id: string): Promise<{ c: SyncClient; r: DeviceReplica; userId: string }> {
  const token = await e.apiToken('enum1')
  const c = await SyncClient.connect({ url: e.baseUrl, token, deviceId: 'enum1-console-e2e' })
  const welcome = (await c.hello()) as { userId: string }
  await c.manifest([])
  const r = new DeviceReplica(77_001)
  for (const u of c.updates.get(id) ?? []) r.apply(u)
  return { c, r, userId: welcome.userId }
}

beforeAll(async () => {
  e = await startE2E()
  const db = e.server.db
  unit = db.prepare("SELECT unit_code FROM users WHERE username = 'sup1'").pluck().get() as string
  target = db
    .prepare(
      `SELECT h.id, h.lat, h.lng, h.status, h.village_id FROM households h JOIN assignments a ON a.village_id = h.village_id
       JOIN users u ON u.id = a.user_id WHERE u.username = 'enum1' AND h.lat IS NOT NULL AND h.status IN ('assigned', 'in_progress')
       ORDER BY h.id LIMIT 1`,
    )
    .get() as typeof target
  expect(target).toBeDefined()
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined)
  await e?.stop()
})

describe('console map', () => {
  it('shows the commune clustered, then a pin moves and changes colour after the enumerator’s edit, without a reload', async () => {
    if (SHOTS) {
      // A few hundred pins of the commune at a zoom where the server still clusters the dense parts.
      const b = e.server.db.prepare('SELECT AVG(lat) AS lat, AVG(lng) AS lng FROM households WHERE unit_code = ? AND lat IS NOT NULL').get(unit) as { lat: number; lng: number }
      const overview = await consolePage('sup1', `#map@${b.lat.toFixed(5)},${b.lng.toFixed(5)},15`)
      await overview.locator('[data-testid="map-host"][data-loaded]').waitFor()
      await overview.locator('[data-testid="map-pin"], [data-testid="map-cluster"]').first().waitFor()
      await overview.screenshot({ path: join(ROOT, 'docs/screenshots/console-map.png') })
    }

    const page = await consolePage('sup1', `#map@${target.lat},${target.lng},19`)
    const pin = page.locator(`[data-testid="map-pin"][data-id="${target.id}"]`)
    await pin.waitFor()
    expect(await pin.getAttribute('data-status')).toBe(target.status)
    await page.locator('[data-testid="console-live"][data-connected="true"]').waitFor()
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }))

    const phone = await enumeratorDevice(target.id)
    const moved = { lat: Number((target.lat + 0.0002).toFixed(6)), lng: target.lng }
    expect(phone.r.household.setLocation({ ...moved, accuracyM: 8, capturedAt: new Date().toISOString() })).toEqual({ ok: true })
    if (target.status === 'assigned') expect(phone.r.household.changeStatus('in_progress', { by: phone.userId })).toEqual({ ok: true })
    expect(phone.r.household.changeStatus('submitted', { by: phone.userId })).toEqual({ ok: true })
    expect(await phone.c.sendUpdate(target.id, phone.r.take())).toMatchObject({ type: 'ack' })
    await phone.c.close()

    await page.locator(`[data-testid="map-pin"][data-id="${target.id}"][data-status="submitted"][data-lat="${moved.lat}"]`).waitFor()
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
  })

  it('a supervisor of another commune sees none of the commune: no pin on the map, progress and pins refused or empty', async () => {
    const admin = await e.apiToken('admin1')
    const other = e.server.db.prepare('SELECT code FROM units WHERE code <> ? ORDER BY code LIMIT 1').pluck().get(unit) as string
    const made = await fetch(`${e.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sup-other', password: DEMO_PASSWORD, role: 'supervisor', unitCode: other }),
    })
    expect(made.status).toBe(201)
    const token = await e.apiToken('sup-other')
    const progress = await fetch(`${e.baseUrl}/api/progress?unit=${unit}`, { headers: { authorization: `Bearer ${token}` } })
    expect(progress.status).toBe(403)

    const page = await consolePage('sup-other', `#map@${target.lat},${target.lng},19`)
    await page.locator('[data-testid="map-host"][data-loaded]').waitFor()
    expect(await page.locator('[data-testid="map-pin"], [data-testid="map-cluster"]').count()).toBe(0)
    // Positive control: the commune's own supervisor sees the same place full of pins.
    const own = await consolePage('sup1', `#map@${target.lat},${target.lng},19`)
    await own.locator(`[data-testid="map-pin"][data-id="${target.id}"]`).waitFor()
  })
})

describe('progress and review queue', () => {
  it('progress lists the villages and enumerators of the commune and follows an edit live', async () => {
    const page = await consolePage('sup1', '#progress')
    const row = page.locator(`[data-testid="progress-village"][data-id="${target.village_id}"]`)
    await row.waitFor()
    const before = Number((await row.locator('[data-col="assigned"]').textContent())?.replace(/\D/g, ''))
    expect(before).toBeGreaterThan(0)
    expect(await page.getByTestId('progress-enumerator').count()).toBeGreaterThan(0)
    const submittedBefore = await row.locator('[data-col="submitted"]').textContent()

    // Another household of the same village submitted on the phone: the submitted count changes without a reload.
    const next = e.server.db
      .prepare("SELECT id, status FROM households WHERE village_id = ? AND status IN ('assigned', 'in_progress') AND id <> ? ORDER BY id LIMIT 1")
      .get(target.village_id, target.id) as { id: string; status: string }
    const phone = await enumeratorDevice(next.id)
    if (next.status === 'assigned') phone.r.household.changeStatus('in_progress', { by: phone.userId })
    phone.r.household.changeStatus('submitted', { by: phone.userId })
    expect(await phone.c.sendUpdate(next.id, phone.r.take())).toMatchObject({ type: 'ack' })
    await phone.c.close()
    await page.waitForFunction(
      ([village, was]) => document.querySelector(`[data-testid="progress-village"][data-id="${village}"] [data-col="submitted"]`)?.textContent !== was,
      [target.village_id, submittedBefore] as const,
    )
    if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-progress.png'), fullPage: true })
  })

  it('the review queue lists the submitted records of the commune, filtered by village, with verify and return for a supervisor only', async () => {
    const page = await consolePage('sup1', '#queue')
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"]`).waitFor()
    if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs/screenshots/console-review-queue.png') })
    expect(await page.locator(`[data-testid="queue-row"][data-id="${target.id}"] [data-testid="queue-verify"]`).count()).toBe(1)
    await page.getByTestId('queue-village').selectOption(target.village_id)
    await page.locator('[data-testid="queue-bulk-verify"]:not([disabled])').waitFor()
    const ids = await page.getByTestId('queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))
    const villages = e.server.db.prepare(`SELECT DISTINCT village_id FROM households WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().all(...ids)
    expect(villages).toEqual([target.village_id])
    await page.locator(`[data-testid="queue-row"][data-id="${target.id}"] [data-testid="queue-return"]`).click()
    await page.getByTestId('return-dialog').waitFor()
    await page.getByTestId('return-add-field').click()
    // The questions to comment on are the household's answered fields (its field history).
    await page.locator('[data-testid="return-field-path"] option:not([value=""])').first().waitFor({ state: 'attached' })
    await page.getByTestId('return-send').click()
    await page.getByTestId('return-error').waitFor() // nothing written: a comment is required first

    const observer = await consolePage('obs1', '#queue')
    await observer.getByTestId('console-read-only').waitFor()
    expect(await observer.getByTestId('queue-verify').count()).toBe(0)
  })
})
