// Imports a population-register CSV into a period: every row is checked first (nothing is written when any is wrong);
// then, in one transaction, register households new to the period become household documents (status listed); for
// households already there each changed or new person becomes a proposal in the document, never an overwrite.

import { createHash, randomUUID } from 'node:crypto'
import { HouseholdDoc, SERVER_CLIENT_ID } from '../../shared/doc/index.ts'
import { REGISTER_PERSON_KEYS, type RegisterPerson } from '../../shared/doc/proposals.ts'
import type { Member } from '../../shared/household/types.ts'
import type { Audit } from '../audit/audit-log.ts'
import type { Db } from '../db/open.ts'
import type { DocStore } from '../store/doc-store.ts'
import type { HouseholdWriter } from '../store/household-writer.ts'
import { readRegisterCsv, RegisterFileError } from './register-csv.ts'
import { MAX_REPORTED_ISSUES, type RegisterIssue } from './register-issues.ts'
import { checkRegisterRow, foldName as fold, type RegisterRow } from './register-rows.ts'
import { createRegisterStore, findVillage } from './register-store.ts'
import { checkAcrossRows } from './register-checks.ts'
import { createPeriodStore } from '../periods/period-store.ts'

export interface RegisterImportDeps {
  db: Db
  docStore: DocStore
  writer: HouseholdWriter
  audit: Audit
  /** Hands a committed proposal to connected devices (the relay's hub); absent in the CLI. */
  publish?: (householdId: string, update: Uint8Array, serverSeq: number) => void
  now?: () => number
}

export interface RegisterImportOptions {
  period: string
  actor: { id: string; username: string }
  dryRun: boolean
  fileName?: string | null
  maxBytes: number
}

export interface RegisterReport {
  ok: boolean
  dryRun: boolean
  importId: string | null
  rows: number
  households: number
  /** Households created (or that would be, on a dry run). */
  created: number
  /** Proposals written (or that would be). */
  proposals: number
  /** Register persons that match the household document already, or whose proposal exists already. */
  unchanged: number
  errorCount: number
  errors: RegisterIssue[]
  warnings: RegisterIssue[]
}

/** A stable proposal id: the same register facts for the same member of the same household give the same id. */
export function proposalId(householdId: string, memberId: string | null, person: RegisterPerson): string {
  return createHash('sha256')
    .update(JSON.stringify([householdId, memberId, REGISTER_PERSON_KEYS.map((k) => person[k])]))
    .digest('hex')
    .slice(0, 40)
}

const personOf = (r: RegisterRow): RegisterPerson => ({
  personalId: r.personalId,
  fullName: r.fullName,
  sex: r.sex,
  birthDate: r.birthDate,
  relation: r.relation,
  ethnicity: r.ethnicity,
})

/** The member a register person is (same personal ID, else same name and birth date), if any. */
function matchMember(members: readonly Member[], p: RegisterPerson): Member | undefined {
  if (p.personalId !== null) {
    const byId = members.find((m) => m.personalId === p.personalId)
    if (byId) return byId
  }
  return members.find(
    (m) =>
      fold(m.fullName) === fold(p.fullName) &&
      m.birthDate === p.birthDate &&
      (p.personalId === null || m.personalId === null || m.personalId === p.personalId),
  )
}

interface PlannedProposal {
  householdId: string
  id: string
  memberId: string | null
  person: RegisterPerson
}

/** Reads, checks and (unless dry run, and only when there is no error) applies a register file. */
export async function importRegister(
  deps: RegisterImportDeps,
  chunks: AsyncIterable<Uint8Array>,
  opts: RegisterImportOptions,
): Promise<RegisterReport> {
  const now = deps.now ?? Date.now
  const store = createRegisterStore(deps.db)
  if (!store.periodExists(opts.period))
    throw new RegisterFileError('register/unknown-period', `no review period ${opts.period}`)
  if (createPeriodStore(deps.db).get(opts.period)?.status === 'closed')
    throw new RegisterFileError('period/closed', `review period ${opts.period} is closed: its records are frozen`)
  const today = new Date(now()).toISOString().slice(0, 10)
  const rows: RegisterRow[] = []
  const errors: RegisterIssue[] = []
  const warnings: RegisterIssue[] = []
  const hash = createHash('sha256')
  async function* hashed(): AsyncIterable<Uint8Array> {
    for await (const c of chunks) {
      hash.update(c)
      yield c
    }
  }
  const csv = await readRegisterCsv(hashed(), opts.maxBytes, (raw, line) => {
    const r = checkRegisterRow(raw, line, today)
    errors.push(...r.errors)
    warnings.push(...r.warnings)
    if (r.row) rows.push(r.row)
  })
  errors.push(...csv.issues)
  const mapped = store.mappedHouseholds(opts.period)
  // Checks across rows run over the rows that passed their own checks; "no head" only when every row did.
  if (csv.issues.length === 0) {
    const context = {
      units: store.units(),
      villages: store.villages(),
      mapped,
      personalIds: store.personalIds(opts.period),
    }
    errors.push(...checkAcrossRows(rows, context, { headCheck: errors.length === 0 }))
  }

  const byHousehold = new Map<string, RegisterRow[]>()
  for (const r of rows) {
    const people = byHousehold.get(r.householdCode)
    if (people) people.push(r)
    else byHousehold.set(r.householdCode, [r])
  }
  const report = (importId: string | null, created: number, proposals: number, unchanged: number): RegisterReport => {
    errors.sort((a, b) => a.line - b.line)
    return {
      ok: errors.length === 0,
      dryRun: opts.dryRun,
      importId,
      rows: csv.rows,
      households: byHousehold.size,
      created,
      proposals,
      unchanged,
      errorCount: errors.length,
      errors: errors.slice(0, MAX_REPORTED_ISSUES),
      warnings: warnings.slice(0, MAX_REPORTED_ISSUES),
    }
  }
  if (errors.length > 0) return report(null, 0, 0, 0)

  // Plan: new households, and proposals for households already in the period.
  const planned: PlannedProposal[] = []
  const fresh: [string, RegisterRow[]][] = []
  let unchanged = 0
  for (const [code, people] of byHousehold) {
    const householdId = mapped.get(code)
    if (householdId === undefined) {
      fresh.push([code, people])
      continue
    }
    const state = deps.docStore.readState(householdId)
    const doc = state ? HouseholdDoc.load(state) : null
    const members = doc?.members() ?? []
    for (const r of people) {
      const person = personOf(r)
      const m = matchMember(members, person)
      if (m && REGISTER_PERSON_KEYS.every((k) => m[k] === person[k])) {
        unchanged++
        continue
      }
      const id = proposalId(householdId, m?.id ?? null, person)
      if (doc && doc.proposals().some((p) => p.id === id)) unchanged++
      else planned.push({ householdId, id, memberId: m?.id ?? null, person })
    }
    doc?.ydoc.destroy()
  }
  if (opts.dryRun) return report(null, fresh.length, planned.length, unchanged)

  const importId = randomUUID()
  const refDate = store.referenceDate(opts.period)
  const units = store.units()
  const villages = store.villages()
  deps.db.transaction(() => {
    for (const [code, people] of fresh) {
      const first = people[0] as RegisterRow
      const villageId = findVillage(villages, first.unit, first.village) ?? '' // checked above: it exists
      const id = randomUUID()
      const doc = HouseholdDoc.create(
        {
          id,
          period: opts.period,
          ...(refDate !== null ? { referenceDate: refDate } : {}),
          unit: first.unit,
          ...(units.has(first.unit) ? { areaType: units.get(first.unit) } : {}),
          village: villageId,
          address: first.address,
          status: 'listed',
          // Only the register's facts: every survey answer stays unanswered (a missing answer is never a deprivation).
          members: people.map((r) => ({ id: randomUUID(), ...personOf(r) }) as Member),
        },
        { clientId: SERVER_CLIENT_ID, guid: id },
      )
      const meta = { id, period: opts.period, unitCode: first.unit, villageId }
      deps.docStore.createHouseholdFromDoc(meta, doc.ydoc, opts.actor.id)
      doc.ydoc.destroy()
      store.mapHousehold(opts.period, code, id, importId)
    }
    const counts = { rows: csv.rows, created: fresh.length, proposals: planned.length, unchanged }
    store.recordImport({
      id: importId,
      period: opts.period,
      userId: opts.actor.id,
      username: opts.actor.username,
      at: now(),
      fileSha256: hash.digest('hex'),
      fileName: opts.fileName ?? null,
      ...counts,
    })
    deps.audit.record({
      action: 'register-import',
      actor: opts.actor,
      target: importId,
      details: { period: opts.period, fileName: opts.fileName ?? null, ...counts },
    })
  })()

  // Proposals go through the household writer (as the server) so they reach the phones like any edit.
  const waits: Promise<void>[] = []
  for (const p of planned) {
    const r = deps.writer.serverEdit(p.householdId, opts.actor.id, (doc) =>
      doc.propose(p.id, { memberId: p.memberId, importId, ...p.person }),
    )
    if (r.kind === 'refused')
      throw new Error(`proposal for ${p.householdId} refused: ${r.error.code} ${r.error.reason}`)
    if (r.kind === 'rejected') throw new Error(`proposal for ${p.householdId} refused: ${r.code} ${r.reason}`)
    if (r.kind === 'accepted') {
      waits.push(
        r.committed.then((c) => {
          if (c.update !== null) deps.publish?.(p.householdId, c.update, c.serverSeq)
        }),
      )
    }
  }
  await Promise.all(waits)
  return report(importId, fresh.length, planned.length, unchanged)
}
