// The console's screens beyond the built-in five, each its own lazy chunk and shown only to the roles it names.
// A screen receives the console's API client, live feed, the chosen commune (admins and observers pick one) and
// whether the user may act; its labels are `console.tab.<name>` in its own dictionary, merged by the screen.

import type { Component } from 'svelte'
import type { ConsoleApi } from './console-api.ts'
import type { LiveFeed } from './live-feed.svelte.ts'
import type { SessionUser } from '../app/session.ts'

type Role = SessionUser['role']

export interface ScreenProps {
  api: ConsoleApi
  live: LiveFeed
  unit: string | undefined
  canAct: boolean
}

export interface ExtraTab {
  name: string
  roles: readonly Role[]
  /** The tab's label, Vietnamese and English (the screen's own dictionary loads only with its chunk). */
  label: { vi: string; en: string }
  load: () => Promise<{ default: Component<ScreenProps> }>
}

export const EXTRA_TABS: readonly ExtraTab[] = [
  {
    name: 'b1',
    roles: ['supervisor', 'admin', 'observer'],
    label: { vi: 'Bảng điểm B1', en: 'B1 tables' },
    load: () => import('./b1/B1Tables.svelte'),
  },
]
