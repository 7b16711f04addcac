// The printable poor list in Chromium: a supervisor opens the Lists tab, picks a village whose list needs two A4 landscape
// pages and prints it to PDF; read back with pdfjs-dist, page 2 repeats the header, carries its number and starts with a
// whole household; names and flags are in the text. Page 1, rendered by pdfjs, is docs/screenshots/posting-list.png.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEarlierRecord, addListRecord, type ListPerson } from '../server/lists/test-support/list-world.ts'
import { DEMO_PASSWORD, ROOT, startE2E, type E2E } from './harness.ts'

let e: E2E
const VILLAGE = 'list-v1'
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Hồ', 'Ngô', 'Dương']
const GIVEN = ['An', 'Bảo', 'Cường', 'Dũng', 'Hùng', 'Phong', 'Sơn', 'Tuấn', 'Ánh', 'Đức']
/** Households on the list: with three or four members each, more rows than one A4 landscape page holds. */
const HOUSEHOLDS = 11

/** Household i: poor now; poor last period (old), poor two periods ago only (again), or never before (new). */
function seedList(e: E2E, unit: string, period: string): { heads: string[] } {
  const db = e.server.db
  db.prepare('INSERT INTO villages (id, unit_code, name) VALUES (?, ?, ?)').run(VILLAGE, unit, 'Tổ dân phố Niêm Yết')
  const heads: string[] = []
  for (let i = 0; i < HOUSEHOLDS; i++) {
    const family = FAMILY[i % FAMILY.length] as string
    const head = `${family} Văn ${GIVEN[i % GIVEN.length]}`
    heads.push(head)
    const members: ListPerson[] = [
      { name: head, sex: 'male', birthYear: 1960 + i, relation: 'head' },
      { name: `Lê Thị ${GIVEN[(i + 3) % GIVEN.length]}`, sex: 'female', birthYear: 1962 + i, relation: 'spouse' },
      { name: `${family} Thị Mai`, sex: 'female', birthYear: 1990 + (i % 20), relation: 'child' },
    ]
    if (i % 2 === 0) members.push({ name: `${family} Văn Tí`, sex: 'male', birthYear: 2012, relation: 'grandchild' })
    const id = `list-h${i}`
    const history = i % 3 // 0: old, 1: again, 2: new
    if (history !== 2) {
      addEarlierRecord(db, { id: `${id}-p2`, period: 'p2', unit, village: VILLAGE, category: 'poor' })
      addEarlierRecord(db, {
        id: `${id}-p1`,
        period: 'p1',
        unit,
        village: VILLAGE,
        category: history === 0 ? 'poor' : 'not_poor',
        previousId: `${id}-p2`,
      })
    }
    addListRecord(db, e.server.docStore, {
      id,
      period,
      unit,
      village: VILLAGE,
      category: 'poor',
      status: i % 4 === 0 ? 'posted' : 'verified',
      members,
      attributes: { meritoriousFamily: i === 1, ethnicMinority: i === 2, noWorkingCapacity: i === 3 },
      ...(history !== 2 ? { previousId: `${id}-p1` } : {}),
    })
  }
  return { heads }
}

let unit = ''
let period = ''
let heads: string[] = []
beforeAll(async () => {
  e = await startE2E()
  unit = e.server.db.prepare("SELECT unit_code FROM users WHERE username = 'sup1'").pluck().get() as string
  period = e.server.db.prepare('SELECT id FROM periods WHERE is_current = 1').pluck().get() as string
  heads = seedList(e, unit, period).heads
})
afterAll(async () => {
  await e?.stop()
})

async function pdfText(pdf: Uint8Array): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise
  const pages: string[] = []
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent()
    const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ')
    pages.push(text.normalize('NFC').replace(/\s+/g, ' '))
  }
  await doc.destroy()
  return pages
}

describe('printable poor list', () => {
  it('prints to a two-page A4 landscape PDF with the header and page number on page 2, names and flags in the text', async () => {
    const context = await e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })
    const page = await context.newPage()
    await page.goto(`${e.baseUrl}/#lists`)
    await page.getByTestId('login-username').fill('sup1')
    await page.getByTestId('login-password').fill(DEMO_PASSWORD)
    await page.getByTestId('btn-login').click()
    await page.getByTestId('lists-screen').waitFor()
    await page.locator(`[data-testid="lists-village"] option[value="${VILLAGE}"]`).waitFor({ state: 'attached' })
    await page.getByTestId('lists-village').selectOption(VILLAGE)
    const rows = page.locator(`[data-testid="posting-document"] [data-testid="posting-row"]`)
    await page.locator('[data-testid="posting-document"] .area', { hasText: 'Niêm Yết' }).waitFor()
    const memberCount = HOUSEHOLDS * 3 + Math.ceil(HOUSEHOLDS / 2)
    await expect.poll(() => rows.count()).toBe(memberCount)
    expect(await page.getByTestId('posting-title').textContent()).toBe(`DANH SÁCH HỘ NGHÈO NĂM ${period}`)
    expect(await page.getByTestId('posting-draft').isVisible()).toBe(true)
    // Flags on the head's row, in the list's columns: old, again, new by the household's history; the marks.
    const headRow = (i: number) => page.locator(`[data-testid="posting-row"][data-household="list-h${i}"]`).first()
    const mark = async (i: number, col: string) =>
      (await headRow(i).locator(`[data-col="${col}"]`).textContent())?.trim()
    expect([await mark(0, 'move-old'), await mark(1, 'move-again'), await mark(2, 'move-new')]).toEqual(['x', 'x', 'x'])
    expect([await mark(0, 'move-new'), await mark(1, 'move-old'), await mark(2, 'move-again')]).toEqual(['', '', ''])
    expect([
      await mark(1, 'meritorious'),
      await mark(2, 'ethnic-minority'),
      await mark(3, 'no-working-capacity'),
    ]).toEqual(['x', 'x', 'x'])
    expect(await page.getByTestId('posting-totals').textContent()).toContain(
      `${HOUSEHOLDS} hộ, ${memberCount} nhân khẩu`,
    )

    const pdf = await page.pdf({ format: 'A4', landscape: true })
    const pages = await pdfText(pdf)
    expect(pages).toHaveLength(2)
    const [first, second] = pages as [string, string]
    expect(first).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')
    expect(first).toContain('Độc lập - Tự do - Hạnh phúc')
    expect(first).toContain(`DANH SÁCH HỘ NGHÈO NĂM ${period}`)
    expect(first).toContain('1/2')
    // The console around the document is not printed.
    expect(first).not.toContain('Hồ sơ chờ kiểm tra')
    expect(first).not.toContain('Kỳ rà soát')
    for (const header of [
      'STT hộ',
      'Họ và tên',
      'Nam',
      'Nữ',
      'Dân tộc',
      'Quan hệ với chủ hộ',
      'Nghèo mới',
      'Tái nghèo',
      'Nghèo cũ',
    ]) {
      expect(first).toContain(header)
      expect(second).toContain(header)
    }
    expect(second).toContain('2/2')
    // A household is never split: page 2's first row after the header is a head's row (STT hộ, member 1).
    expect(second).toMatch(/Nghèo cũ \d+ 1 /)
    expect(second).toContain('TM. ỦY BAN NHÂN DÂN')
    expect(second).toContain('NGƯỜI LẬP BIỂU')
    const all = pages.join(' ')
    for (const head of heads) expect(all).toContain(head)
    expect(all).toContain('Hộ CSCC')
    expect(all).toContain('Hộ KCKNLĐ')

    // Page 1 as an image for the documentation: pdfjs renders it onto a canvas inside Chromium.
    await renderFirstPage(pdf, join(ROOT, 'docs/screenshots/posting-list.png'))
    await context.close()
  })

  it('an admin picks the commune first; the whole commune’s list heads each village', async () => {
    const context = await e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })
    const page = await context.newPage()
    await page.goto(`${e.baseUrl}/#lists`)
    await page.getByTestId('login-username').fill('admin1')
    await page.getByTestId('login-password').fill(DEMO_PASSWORD)
    await page.getByTestId('btn-login').click()
    await page.getByTestId('lists-screen').waitFor()
    expect(await page.getByTestId('posting-document').count()).toBe(0)
    await page.locator(`[data-testid="console-unit"] option[value="${unit}"]`).waitFor({ state: 'attached' })
    await page.getByTestId('console-unit').selectOption(unit)
    const village = page.locator('[data-testid="posting-document"] tr.village', { hasText: 'Tổ dân phố Niêm Yết' })
    await village.waitFor()
    const document = (await page.getByTestId('posting-document').textContent()) ?? ''
    for (const head of heads) expect(document).toContain(head)
    expect(await page.getByTestId('lists-print').isEnabled()).toBe(true)
    await context.close()
  })
})

/** Renders page 1 of a PDF onto the canvas (module script of the render page; vitest would rewrite an import() in evaluate). */
const RENDER_PAGE = `<canvas id="page"></canvas><script type="module">
  import * as pdfjs from '/pdf.mjs'
  pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.mjs'
  window.renderPdf = async (bytes) => {
    const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes) }).promise
    const first = await doc.getPage(1)
    const viewport = first.getViewport({ scale: 1.4 })
    const canvas = document.getElementById('page')
    canvas.width = viewport.width
    canvas.height = viewport.height
    await first.render({ canvasContext: canvas.getContext('2d'), viewport }).promise
  }
</script>`

/** Renders page 1 of `pdf` with pdfjs-dist in a Chromium page (files served from node_modules) and screenshots it. */
async function renderFirstPage(pdf: Uint8Array, out: string): Promise<void> {
  const context = await e.browser.newContext({ viewport: { width: 1300, height: 950 } })
  const page = await context.newPage()
  const dir = join(ROOT, 'node_modules/pdfjs-dist/build')
  const origin = 'http://pdf.render'
  await page.route(`${origin}/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1)
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: RENDER_PAGE })
    if (name === 'pdf.mjs' || name === 'pdf.worker.mjs')
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(dir, name)) })
    return route.fulfill({ status: 404, body: '' })
  })
  await page.goto(`${origin}/index.html`)
  await page.waitForFunction(() => 'renderPdf' in window)
  await page.evaluate(
    (bytes) => (window as unknown as { renderPdf(b: number[]): Promise<void> }).renderPdf(bytes),
    Array.from(pdf),
  )
  await page.locator('#page').screenshot({ path: out })
  await context.close()
}
