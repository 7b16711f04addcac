// The lifecycle of review periods, one code path for the admin API and the command line: open a period (carrying the
// previous one's list), make it current, close it. Each step checks its input, refuses with a stable code, is audited.

import { z } from 'zod'
import { findStandard } from '../../shared/rules/standards.ts'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import { carryHouseholds } from './period-carry.ts'
import { createPeriodStore, type Period, type PeriodStore } from './period-store.ts'

export type PeriodErrorCode = 'period/exists' | 'period/not-found' | 'period/closed' | 'period/current' | 'period/busy'

export class PeriodError extends Error {
  constructor(
    readonly code: PeriodErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'PeriodError'
  }
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`)
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d
  }, 'not a calendar date')

/** A period is named by its year (the rules select age thresholds and standards by it). */
export const PERIOD_ID = /^\d{4}$/

export const OpenPeriodInput = z
  .object({
    id: z.string().regex(PERIOD_ID, 'a year, e.g. 2026'),
    standard: z.string().refine((s) => findStandard(s) !== undefined, 'not a known standard'),
    referenceDate: isoDate,
    /** The period it follows (default: the current one). */
    from: z.string().min(1).max(16).optional(),
  })
  .strict()
export type OpenPeriodInput = z.infer<typeof OpenPeriodInput>

export interface Actor {
  id: string
  username: string
}

export interface PeriodServiceDeps {
  db: Db
  docStore: DocStore
  audit: Audit
  now?: () => number
}

export interface PeriodService {
  readonly store: PeriodStore
  /** Creates the period (open, not current) and carries the previous period's list into it. */
  open(input: OpenPeriodInput, actor: Actor): Promise<{ period: Period; carried: number }>
  /** Carries again what an interrupted open left (nothing when all is carried). */
  carry(id: string, actor: Actor): Promise<{ period: Period; carried: number }>
  makeCurrent(id: string, actor: Actor): Period
  close(id: string, actor: Actor): Period
}

export function createPeriodService(deps: PeriodServiceDeps): PeriodService {
  const now = deps.now ?? Date.now
  const store = createPeriodStore(deps.db)
  /** Periods a carry is writing into (one at a time per period). */
  const carrying = new Set<string>()

  function existing(id: string): Period {
    const p = store.get(id)
    if (!p) throw new PeriodError('period/not-found', `no review period ${id}`)
    return p
  }

  async function carryInto(period: Period, actor: Actor): Promise<number> {
    if (period.previousId === null) return 0
    if (period.status === 'closed') throw new PeriodError('period/closed', `review period ${period.id} is closed`)
    if (carrying.has(period.id))
      throw new PeriodError('period/busy', `households are being carried into ${period.id} already`)
    carrying.add(period.id)
    try {
      const carried = await carryHouseholds(
        { db: deps.db, docStore: deps.docStore, periods: store },
        { from: period.previousId, to: { id: period.id, referenceDate: period.referenceDate }, by: actor.id },
      )
      deps.audit.record({
        action: 'period-carry',
        actor,
        target: period.id,
        details: { from: period.previousId, carried },
      })
      return carried
    } finally {
      carrying.delete(period.id)
    }
  }

  return {
    store,
    async open(input, actor) {
      const from = input.from ?? store.current()
      if (from === undefined) throw new PeriodError('period/not-found', 'no current review period to follow')
      existing(from)
      deps.db.transaction(() => {
        const opened = store.insert({
          id: input.id,
          standard: input.standard,
          referenceDate: input.referenceDate,
          previousId: from,
          openedAt: now(),
        })
        if (!opened) throw new PeriodError('period/exists', `review period ${input.id} exists already`)
        deps.audit.record({
          action: 'period-open',
          actor,
          target: input.id,
          details: { standard: input.standard, referenceDate: input.referenceDate, from },
        })
      })()
      const period = existing(input.id)
      return { period, carried: await carryInto(period, actor) }
    },
    async carry(id, actor) {
      const period = existing(id)
      return { period, carried: await carryInto(period, actor) }
    },
    makeCurrent(id, actor) {
      const period = existing(id)
      if (period.status === 'closed') throw new PeriodError('period/closed', `review period ${id} is closed`)
      // Phones would get part of the list, and the rest only at a later MANIFEST.
      if (carrying.has(id)) throw new PeriodError('period/busy', `households are being carried into ${id}`)
      if (!period.isCurrent) {
        deps.db.transaction(() => {
          store.makeCurrent(id)
          deps.audit.record({ action: 'period-current', actor, target: id, details: {} })
        })()
      }
      return existing(id)
    },
    close(id, actor) {
      const period = existing(id)
      if (period.status === 'closed') throw new PeriodError('period/closed', `review period ${id} is closed already`)
      if (period.isCurrent)
        throw new PeriodError('period/current', `review period ${id} is the current one: make another current first`)
      if (carrying.has(id)) throw new PeriodError('period/busy', `households are being carried into ${id}`)
      deps.db.transaction(() => {
        store.close(id, now())
        deps.audit.record({ action: 'period-close', actor, target: id, details: {} })
      })()
      return existing(id)
    },
  }
}
