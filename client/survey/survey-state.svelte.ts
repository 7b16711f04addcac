// State of the open survey form: the household snapshot (HouseholdDoc bridged with createSubscriber), the derived
// view (live classification, relevant questions, submit blockers), the current step, and every write as an intent
// call. Components stay thin: they read `view` and call these methods on change/blur.
import type { HouseholdDoc, DwellingPatch, EditResult, MemberFields } from '../../shared/doc/household-doc.ts'
import type { HouseholdSnapshot } from '../../shared/doc/snapshot.ts'
import type { Attributes, Income, Location, Member, PhotoRef } from '../../shared/household/types.ts'
import { localToday, type Parsed } from './answers.ts'
import { Live } from './live.svelte.ts'
import { surveyView, type SurveyView } from './survey-view.ts'
import type { PeriodStandards } from '../../shared/doc/record-category.ts'
import type { B1Table } from '../../shared/rules/b1-table.ts'
import { pathToInProgress } from './workflow-path.ts'
import { ALL_STEPS, QUICK_END_STEPS, type StepId } from './steps.ts'
export type { StepId } from './steps.ts'

export interface SurveyUser {
  id: string
  username: string
  displayName?: string
}

export class SurveyState {
  readonly doc: HouseholdDoc
  readonly user: SurveyUser
  readonly #live: Live<HouseholdSnapshot>
  step = $state<StepId>('quick')
  /** Member being edited (id), or null for the list. */
  editingMember = $state<string | null>(null)
  /** Field errors keyed by field path as in test ids (e.g. 'dwelling.floorAreaM2', 'members.0.birthDate'). */
  errors = $state<Record<string, string>>({})
  /** Last refused write (code from HouseholdDoc), shown once at the top of the form. */
  lastRefusal = $state<string | null>(null)
  today = $state(localToday())

  readonly snapshot: HouseholdSnapshot = $derived.by(() => this.#live.current)
  /** Reviewers see the form read-only: the view says not editable, and every write is refused before the document. */
  readonly readOnly: boolean
  readonly view: SurveyView = $derived.by(() => {
    const v = surveyView(
      this.snapshot,
      this.today,
      (p) => this.doc.answered(p),
      this.#b1Tables(),
      this.#periodStandards(),
    )
    return this.readOnly ? { ...v, editable: false } : v
  })
  readonly steps: readonly StepId[] = $derived(this.view.endedAtQuickScreen ? QUICK_END_STEPS : ALL_STEPS)

  /** The Phiếu B1 point tables (a getter, so a table fetched while the form is open takes effect). */
  readonly #b1Tables: () => readonly B1Table[]
  readonly #periodStandards: () => PeriodStandards

  constructor(
    doc: HouseholdDoc,
    user: SurveyUser,
    options: {
      readOnly?: boolean
      b1Tables?: () => readonly B1Table[]
      periodStandards?: () => PeriodStandards
    } = {},
  ) {
    this.doc = doc
    this.user = user
    this.readOnly = options.readOnly ?? false
    this.#b1Tables = options.b1Tables ?? (() => [])
    this.#periodStandards = options.periodStandards ?? (() => ({}))
    this.#live = new Live(
      (fn) => doc.onChange(fn),
      () => doc.read(),
    )
  }

  #placed = false
  /** Opens on the step where the work is (Phiếu B, or the result when Phiếu A ended it) once the document has loaded. */
  place(): void {
    if (this.#placed || !this.view.loaded) return
    this.#placed = true
    const r = this.snapshot.screen.result
    if (r !== null && this.step === 'quick') this.step = r === 'not_poor' ? 'result' : 'members'
  }

  go(step: StepId): void {
    this.step = step
    this.editingMember = null
  }

  next(): void {
    const i = this.steps.indexOf(this.step)
    const n = this.steps[i + 1]
    if (n) this.go(n)
  }

  /** Reactive like the snapshot: reading it in a template re-runs when the document changes. */
  answered(path: string): boolean {
    void this.snapshot
    return this.doc.answered(path)
  }

  // ——— writes (every one through an intent; the first edit of a returned record re-opens it) ———

  #write(errorPath: string | null, run: () => EditResult, refusedKey = 'survey.error.invalid'): boolean {
    if (!this.view.editable) return false
    this.#ensureInProgress()
    const r = run()
    if (!r.ok) {
      this.lastRefusal = r.code
      if (errorPath) this.errors[errorPath] = refusedKey
      return false
    }
    if (errorPath && errorPath in this.errors) delete this.errors[errorPath]
    this.lastRefusal = null
    return true
  }

  #ensureInProgress(): void {
    for (const to of pathToInProgress(this.doc.status)) this.doc.changeStatus(to, { by: this.user.id })
  }

  /** Applies a parsed number, or records its error under `path` (nothing is written then). */
  writeParsed(path: string, parsed: Parsed, write: (value: number | null) => EditResult): boolean {
    if (!parsed.ok) {
      this.errors[path] = parsed.error
      return false
    }
    return this.#write(path, () => write(parsed.value))
  }

  /** One Phiếu B1 answer against the household's point table (null clears it); the score follows in the document. */
  answerB1(itemId: string, value: string | number | null): boolean {
    const table = this.view.b1Table
    if (!table) return false
    return this.#write(`b1Answers.${itemId}`, () => this.doc.answerB1(table, itemId, value))
  }

  setError(path: string, key: string | null): void {
    if (key) this.errors[path] = key
    else delete this.errors[path]
  }

  setQuickScreen(result: 'continue' | 'not_poor' | null, reason: string | null): void {
    if (this.#write(null, () => this.doc.setQuickScreen(result, reason)))
      this.go(result === 'not_poor' ? 'gps' : result === 'continue' ? 'members' : 'quick')
  }

  addMember(): void {
    const isFirst = this.snapshot.household.members.length === 0
    // Only what the enumerator cannot leave to chance is written; other answers stay unanswered until given.
    const init: Partial<MemberFields> = isFirst ? { relation: 'head' } : {}
    this.#write(null, () => {
      const r = this.doc.addMember(init)
      if (r.ok) this.editingMember = r.id
      return r.ok ? { ok: true } : r
    })
  }

  updateMember(index: number, id: string, patch: Partial<Omit<Member, 'id'>>): boolean {
    const key = Object.keys(patch)[0] ?? ''
    return this.#write(
      `members.${index}.${key}`,
      () => this.doc.updateMember(id, patch),
      key === 'personalId' ? 'survey.pid.format' : undefined,
    )
  }

  setHeadName(fullName: string): boolean {
    return this.#write('head.fullName', () => this.doc.setHeadName(fullName))
  }

  setAddress(address: string): boolean {
    return this.#write('address', () => this.doc.setAddress(address))
  }

  removeMember(id: string): void {
    if (this.#write(null, () => this.doc.removeMember(id))) this.editingMember = null
  }

  setDwelling(patch: DwellingPatch): boolean {
    return this.#write(`dwelling.${Object.keys(patch)[0] ?? ''}`, () => this.doc.setDwelling(patch))
  }

  setIncome(income: Income): boolean {
    return this.#write('income', () => this.doc.setIncome(income))
  }

  setFarming(farming: boolean): void {
    this.#write('farming', () => this.doc.setField('farming', farming))
  }

  setAttributes(patch: Partial<Attributes>): void {
    this.#write(`attributes.${Object.keys(patch)[0] ?? ''}`, () => this.doc.setAttributes(patch))
  }

  setCauses(codes: string[]): void {
    this.#write('causes', () => this.doc.setCauses(codes))
  }

  setSupportNeeds(codes: string[]): void {
    this.#write('supportNeeds', () => this.doc.setSupportNeeds(codes))
  }

  setLocation = (location: Location): void => {
    this.#write('location', () => this.doc.setLocation(location))
  }

  attachPhoto = (ref: PhotoRef): void => {
    this.#write('photos', () => this.doc.attachPhoto(ref))
  }

  /** Takes a photo off the record (a removed flag; the server's history keeps it). */
  detachPhoto = (sha256: string): boolean => this.#write('photos', () => this.doc.detachPhoto(sha256))

  /** Moves the record to submitted when nothing is missing; returns whether it did. */
  submit(): boolean {
    if (!this.view.editable || this.view.missing.length > 0) return false
    this.#ensureInProgress()
    const r = this.doc.changeStatus('submitted', { by: this.user.id })
    if (!r.ok) this.lastRefusal = r.code
    return r.ok
  }
}
