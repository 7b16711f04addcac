// The client budget "fresh phone: login → households listed with names": timed inside the page from the sign-in click
// until the list counts every household, the rows on screen show names (not the placeholder) and the summary rows in
// memory — written only after their IndexedDB commit — all have a head name.

import type { Page } from 'playwright-core'

export interface FreshLogin {
  /** Sign-in click → every household listed with its name (page time). */
  namedMs: number
  /** Sign-in click → the status bar first says "synced" (page time). */
  syncedMs: number
}

/**
 * Click sign-in on a page showing the filled login form and wait for `households` named rows. Passed as source text:
 * tsx would wrap named inner functions in a `__name` helper the page does not have.
 */
export async function timeFreshLogin(page: Page, households: number): Promise<FreshLogin> {
  return page.evaluate(`(async () => {
    const n = ${JSON.stringify(households)};
    const button = document.querySelector('[data-testid="btn-login"]');
    if (!button) throw new Error('no sign-in button');
    const named = () => {
      const rows = window.__rasoat?.device.index.all() ?? [];
      if (rows.length !== n || rows.some((r) => r.headName === '')) return false;
      const count = /(\\d+)\\s*\\/\\s*(\\d+)/.exec(document.querySelector('[data-testid="list-count"]')?.textContent ?? '');
      if (!count || Number(count[1]) !== n || Number(count[2]) !== n) return false;
      const names = [...document.querySelectorAll('[data-testid="household-list"] [data-testid="household-row"] .name')]
        .map((e) => (e.textContent ?? '').trim());
      return names.length > 0 && names.every((s) => s !== '' && !s.startsWith('('));
    };
    const synced = () => document.querySelector('[data-testid="status-bar"][data-phase="synced"]') !== null;
    const t0 = performance.now();
    const out = { namedMs: NaN, syncedMs: NaN };
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('households not listed with names after 60 s')), 60000);
      const check = () => {
        if (Number.isNaN(out.syncedMs) && synced()) out.syncedMs = performance.now() - t0;
        if (Number.isNaN(out.namedMs) && named()) {
          document.querySelector('[data-testid="household-list"]').getBoundingClientRect();
          out.namedMs = performance.now() - t0;
        }
        if (Number.isNaN(out.namedMs) || Number.isNaN(out.syncedMs)) return false;
        mo.disconnect();
        clearTimeout(timer);
        resolve();
        return true;
      };
      // The summary rows change before the DOM that shows them, so every DOM change is a moment to look.
      const mo = new MutationObserver(check);
      mo.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
      button.click();
    });
    return out;
  })()`) as Promise<FreshLogin>
}
