// A 500-household assignment in the virtualised list: all rows counted, only a window of them in the DOM, scrolling
// to the end shows the last ones, and a search without diacritics finds the accented name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../server/auth/users.ts'
import { foldForSearch } from '../shared/text/fold.ts'
import { DEMO_PASSWORD, startE2E, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
  // Villages of the demo seed, biggest first, until they hold at least 500 households.
  const villages = e.server.db
    .prepare('SELECT village_id AS id, count(*) AS n FROM households GROUP BY village_id ORDER BY n DESC, village_id')
    .all() as { id: string; n: number }[]
  const picked: string[] = []
  let total = 0
  for (const v of villages) {
    if (total >= 500) break
    picked.push(v.id)
    total += v.n
  }
  await createUser(e.server.db, {
    username: 'enum500',
    password: DEMO_PASSWORD,
    role: 'enumerator',
    villages: picked,
    displayName: 'Võ Thị Năm',
  })
})
afterAll(async () => {
  await e?.stop()
})

describe('household list', () => {
  it('shows 500+ households virtualised, scrolls to the end, and finds an accented name from a plain query', async () => {
    const { page } = await e.newPhone()
    await page.goto(e.baseUrl)
    await e.login(page, 'enum500')
    const total = await page.evaluate(
      () =>
        (window as unknown as { __rasoat: { device: { index: { rows: Map<string, unknown> } } } }).__rasoat.device.index
          .rows.size,
    )
    expect(total).toBeGreaterThanOrEqual(500)
    expect(await page.getByTestId('list-count').textContent()).toBe(`${total} / ${total} hộ`)
    const inDom = await page.getByTestId('household-row').count()
    expect(inDom).toBeGreaterThan(5)
    expect(inDom).toBeLessThan(40)

    const list = page.getByTestId('household-list')
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.locator(`li[data-index="${total - 1}"] [data-testid="household-row"]`).waitFor()
    expect(await page.getByTestId('household-row').count()).toBeLessThan(40)

    // pick an accented head name and search for it without any diacritics
    const name = await page.evaluate(() => {
      const w = window as unknown as { __rasoat: { device: { index: { all(): { headName: string }[] } } } }
      return w.__rasoat.device.index
        .all()
        .map((r) => r.headName)
        .find((n) => n.normalize('NFD') !== n && /[ơưđăâêô]/i.test(n))!
    })
    const plain = foldForSearch(name)
    expect(plain).not.toBe(name.toLowerCase())
    await page.getByTestId('list-search').fill(plain)
    // (the search also covers members' names, addresses and personal ids, so other households may match too)
    await expect.poll(async () => page.getByTestId('household-row').locator('.name').allTextContents()).toContain(name)
    const shown = Number((await page.getByTestId('list-count').textContent())!.split(' / ')[0])
    expect(shown).toBeLessThan(20)

    // filters: category narrows the list, "all" restores it
    await page.getByTestId('list-search').fill('')
    await page.getByTestId('filter-category').selectOption('poor')
    const poor = Number((await page.getByTestId('list-count').textContent())!.split(' / ')[0])
    expect(poor).toBeGreaterThan(0)
    expect(poor).toBeLessThan(total)
    await page.getByTestId('filter-category').selectOption('all')
    expect(await page.getByTestId('list-count').textContent()).toBe(`${total} / ${total} hộ`)

    // Android's back button closes the open household and returns to the list
    await page.getByTestId('household-row').first().click()
    await page.getByTestId('household-screen').waitFor()
    await page.goBack()
    await page.getByTestId('household-list').waitFor()
    expect(await page.getByTestId('household-screen').count()).toBe(0)
  })
})
