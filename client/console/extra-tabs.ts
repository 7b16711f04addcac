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
    name: 'people',
    roles: ['admin', 'observer'],
    label: { vi: 'Người dùng', en: 'Users' },
    load: () => import('./people/PeopleScreen.svelte'),
  },
  {
    name: 'areas',
    roles: ['admin', 'observer'],
    label: { vi: 'Địa bàn', en: 'Areas' },
    load: () => import('./areas/AreasScreen.svelte'),
  },
  {
    name: 'audit',
    roles: ['admin', 'observer'],
    label: { vi: 'Nhật ký', en: 'Audit log' },
    load: () => import('./audit/AuditScreen.svelte'),
  },
  {
    name: 'lists',
    roles: ['supervisor', 'admin', 'observer'],
    label: { vi: 'Danh sách niêm yết', en: 'Printable lists' },
    load: () => import('./lists/ListsScreen.svelte'),
  },
  {
    name: 'reports',
    roles: ['supervisor', 'admin', 'observer'],
    label: { vi: 'Báo cáo', en: 'Reports' },
    load: () => import('./reports/ReportsView.svelte'),
  },
  {
    name: 'periods',
    roles: ['admin', 'supervisor', 'observer'],
    label: { vi: 'Kỳ rà soát', en: 'Review periods' },
    load: () => import('./periods/PeriodsScreen.svelte'),
  },
  {
    name: 'conflicts',
    roles: ['admin', 'supervisor', 'observer'],
    label: { vi: 'Xung đột', en: 'Conflicts' },
    load: () => import('./conflicts/ConflictQueue.svelte'),
  },
  {
    name: 'b1',
    roles: ['supervisor', 'admin', 'observer'],
    label: { vi: 'Bảng điểm B1', en: 'B1 tables' },
    load: () => import('./b1/B1Tables.svelte'),
  },
]
