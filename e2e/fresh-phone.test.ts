// A fresh phone's first sign-in: every household of the enumerator is listed with the head's name from the server and
// stored on the phone; a reload in the middle of that first bootstrap (before or just as its BATCH arrives) resumes
// after unlocking and ends with every household stored and named, none shown as synced before it is stored.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeMessage } from '../shared/sync/protocol.ts'
import { DEMO_PASSWORD, startE2E, unlock, type E2E } from './harness.ts'

let e: E2E
beforeAll(async () => {
  e = await startE2E()
})
afterAll(async () => {
  await e?.stop()
})

/** enum1's households as the server holds them: id → head name. */
function serverNames(): Map<string, string> {
  const rows = e.server.db
    .prepare(
      "SELECT h.id AS id, h.head_name AS name FROM households h JOIN assignments uv ON uv.village_id = h.village_id JOIN users u ON u.id = uv.user_id WHERE u.username = 'enum1'",
    )
    .all() as { id: string; name: string }[]
  return new Map(rows.map((r) => [r.id, r.name]))
}

interface Stored {
  /** Summary rows read back from IndexedDB: id → head name. */
  names: Record<string, string>
  /** Households the phone holds no document bytes of (inbox or document store). */
  missing: string[]
}

/** What the phone has stored, read through its own storage (the summary database and the document bytes). */
async function stored(page: Page): Promise<Stored> {
  return page.evaluate(async () => {
    const w = window as unknown as {
      __rasoat: {
        device: {
          summary: { allHouseholds(): Promise<{ id: string; headName: string }[]> }
          households: { stateOf(id: string): Promise<Uint8Array | null> }
        }
      }
    }
    const rows = await w.__rasoat.device.summary.allHouseholds()
    const out = { names: {} as Record<string, string>, missing: [] as string[] }
    for (const r of rows) {
      out.names[r.id] = r.headName
      const state = await w.__rasoat.device.households.stateOf(r.id)
      if (state === null || state.length <= 2) out.missing.push(r.id)
    }
    return out
  })
}

/** The list counts all households and the rows on screen show names, not the placeholder. */
async function listedWithNames(page: Page, n: number): Promise<void> {
  await page
    .getByTestId('list-count')
    .filter({ hasText: `${n} / ${n}` })
    .waitFor()
  await page.locator('[data-testid="status-bar"][data-phase="synced"]').waitFor()
  const names = await page.locator('[data-testid="household-row"] .name').allTextContents()
  expect(names.length).toBeGreaterThan(5)
  for (const name of names) expect(name.trim() === '' || name.trim().startsWith('(')).toBe(false)
}

async function signIn(page: Page): Promise<void> {
  await page.goto(e.baseUrl)
  await page.getByTestId('login-username').fill('enum1')
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('btn-login').click()
}

/**
 * The first /sync connection of the context passes frames through until the server's first BATCH: `forward` says
 * whether that BATCH reaches the page. Resolves once it was seen (and forwarded or held back); later connections
 * pass everything.
 */
function firstBatchSeen(context: BrowserContext, forward: boolean): Promise<void> {
  let connections = 0
  return new Promise<void>((resolve) => {
    void context.routeWebSocket(/\/sync/, (ws) => {
      const first = ++connections === 1
      const server = ws.connectToServer()
      let seen = false
      server.onMessage((m) => {
        if (first && !seen && typeof m !== 'string') {
          const d = decodeMessage(new Uint8Array(m))
          if (d.ok && d.message.type === 'batch') {
            seen = true
            if (forward) ws.send(m)
            resolve()
            return
          }
        }
        if (!first || !seen) ws.send(m)
      })
    })
  })
}

async function reloadMidBootstrap(forwardBatch: boolean): Promise<void> {
  const { page, context } = await e.newPhone()
  const batch = firstBatchSeen(context, forwardBatch)
  await signIn(page)
  await batch
  await page.reload()
  await page.getByTestId('unlock-form').waitFor()
  await unlock(page)
  const expected = serverNames()
  await listedWithNames(page, expected.size)
  const s = await stored(page)
  expect(s.missing).toEqual([])
  expect(s.names).toEqual(Object.fromEntries(expected))
  await context.close()
}

describe('fresh phone', () => {
  it('a first sign-in lists all 300 households with the head names the server holds, each stored on the phone', async () => {
    const { page, context } = await e.newPhone()
    await signIn(page)
    const expected = serverNames()
    expect(expected.size).toBe(300)
    await listedWithNames(page, expected.size)
    const s = await stored(page)
    expect(s.missing).toEqual([])
    expect(s.names).toEqual(Object.fromEntries(expected))
    await context.close()
  })

  it('a reload after the household rows arrived but before their states did resumes and stores them all', async () => {
    await reloadMidBootstrap(false)
  })

  it('a reload just as the bootstrap BATCH reaches the page resumes and stores them all', async () => {
    await reloadMidBootstrap(true)
  })
})
