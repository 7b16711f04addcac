// The form's computed view: live classification with member names (CL1, I04…), Phiếu A override, submit blockers,
// personal-ID warnings, returned comments.
import { describe, expect, it } from 'vitest'
import type { HouseholdSnapshot } from '../../shared/doc/snapshot.ts'
import { makeHousehold, makeMember } from '../../shared/test-support/household-fixtures.ts'
import type { Household } from '../../shared/household/types.ts'
import { reasonTarget, surveyView } from './survey-view.ts'

const TODAY = '2025-11-29'
const LOC = { lat: 16.46, lng: 107.59, accuracyM: 8, capturedAt: '2025-11-29T08:00:00.000Z' }

function snap(h: Partial<Household> = {}, extra: Partial<HouseholdSnapshot> = {}): HouseholdSnapshot {
  return {
    schemaVersion: 1,
    household: makeHousehold({ location: LOC, ...h }),
    workflow: { status: 'in_progress', history: [] },
    screen: { result: 'continue', reason: null },
    review: {},
    b1Answers: {},
    ...extra,
  }
}

describe('surveyView', () => {
  it('classifies live: CL1 poor with I04 naming the uninsured member', () => {
    const poorMember = makeMember({ fullName: 'Lê Văn Nghèo', relation: 'head', healthInsurance: false })
    const v = surveyView(
      snap({
        income: { perCapitaMonthly: 1_200_000 },
        members: [poorMember],
        dwelling: {
          hasDwelling: true,
          wallDurable: true,
          columnDurable: true,
          roofDurable: true,
          floorAreaM2: 20,
          water: 'surface_water',
          toilet: 'none',
          internet: true,
          devices: ['tv'],
        },
      }),
      TODAY,
    )
    expect(v.category).toBe('poor')
    expect(v.classification?.decidedBy).toBe('CL1')
    const i04 = v.deprivations.find((d) => d.id === 'I04')
    expect(i04?.reasons[0]?.memberName).toBe('Lê Văn Nghèo')
    expect(v.deprivations.map((d) => d.id)).toEqual(expect.arrayContaining(['I04', 'I09', 'I10']))
    expect(v.missing).toEqual([])
  })

  it('CL5: no income evidence is incomplete and blocks submit', () => {
    const v = surveyView(snap({ income: {} }), TODAY)
    expect(v.category).toBe('incomplete')
    expect(v.missing.map((m) => m.key)).toContain('survey.missing.income')
  })

  it('Phiếu A "not poor" overrides the badge and needs only a reason and a location', () => {
    const v = surveyView(
      snap({ income: {}, members: [], location: null }, { screen: { result: 'not_poor', reason: 'car' } }),
      TODAY,
    )
    expect(v.category).toBe('not_poor')
    expect(v.endedAtQuickScreen).toBe(true)
    expect(v.missing.map((m) => m.key)).toEqual(['survey.missing.location'])
  })

  it('lists what blocks submit: quick screen, head, names, birth dates, floor area, location', () => {
    const v = surveyView(
      snap(
        {
          location: null,
          members: [makeMember({ fullName: ' ', relation: 'spouse', birthDate: '2030-01-01' })],
          dwelling: { floorAreaM2: 0 } as Household['dwelling'],
        },
        { screen: { result: null, reason: null } },
      ),
      TODAY,
    )
    expect(v.missing.map((m) => m.key)).toEqual(
      expect.arrayContaining([
        'survey.missing.quickScreen',
        'survey.missing.head',
        'survey.missing.memberName',
        'survey.missing.memberBirth',
        'survey.missing.floorArea',
        'survey.missing.location',
      ]),
    )
    const broken = surveyView(snap({ members: [makeMember({ birthDate: '1980-02-30' })] }), TODAY)
    expect(broken.classification).toBeNull()
    expect(broken.classificationError).toBe('rules/invalid-date')
    expect(broken.category).toBe('incomplete')
  })

  it('shows personal-ID warnings inline, duplicates included, and the relevant questions by age', () => {
    const a = makeMember({ fullName: 'A', personalId: '046080000001', birthDate: '1980-01-01', sex: 'male' })
    const b = makeMember({
      fullName: 'B',
      personalId: '046080000001',
      birthDate: '2018-01-01',
      sex: 'female',
      relation: 'child',
    })
    const v = surveyView(snap({ members: [a, b] }), TODAY)
    expect(v.members[1]?.personalIdWarnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['personal-id/duplicate']),
    )
    expect(v.members[0]?.age).toBe(45)
    expect(v.members[1]?.age).toBe(7)
    expect(v.members[1]?.fields).toContain('schoolOnTrack')
    expect(v.members[0]?.fields).not.toContain('schoolOnTrack')
  })

  it('shows the supervisor comments of a returned record, newest first, and keeps it editable', () => {
    const history = [
      { from: 'in_progress' as const, to: 'submitted' as const, by: 'ev1', at: '2025-11-20T08:00:00Z', comment: null },
      {
        from: 'submitted' as const,
        to: 'returned' as const,
        by: 'gs1',
        at: '2025-11-21T08:00:00Z',
        comment: 'Thiếu ảnh nhà',
      },
      { from: 'returned' as const, to: 'in_progress' as const, by: 'ev1', at: '2025-11-22T08:00:00Z', comment: null },
      { from: 'in_progress' as const, to: 'submitted' as const, by: 'ev1', at: '2025-11-23T08:00:00Z', comment: null },
      {
        from: 'submitted' as const,
        to: 'returned' as const,
        by: 'gs1',
        at: '2025-11-24T08:00:00Z',
        comment: 'Kiểm tra lại diện tích',
      },
    ]
    const v = surveyView(snap({}, { workflow: { status: 'returned', history } }), TODAY)
    expect(v.returnComments.map((h) => h.comment)).toEqual(['Kiểm tra lại diện tích', 'Thiếu ảnh nhà'])
    expect(v.editable).toBe(true)
    expect(surveyView(snap({}, { workflow: { status: 'submitted', history } }), TODAY).editable).toBe(false)
    // Still shown while reworking; gone once resubmitted.
    const reworking = [
      ...history,
      { from: 'returned' as const, to: 'in_progress' as const, by: 'ev1', at: '2025-11-25T08:00:00Z', comment: null },
    ]
    expect(
      surveyView(snap({}, { workflow: { status: 'in_progress', history: reworking } }), TODAY).returnComments,
    ).toHaveLength(2)
    const resubmitted = [
      ...reworking,
      { from: 'in_progress' as const, to: 'submitted' as const, by: 'ev1', at: '2025-11-26T08:00:00Z', comment: null },
    ]
    expect(
      surveyView(snap({}, { workflow: { status: 'submitted', history: resubmitted } }), TODAY).returnComments,
    ).toEqual([])
    // An imported returned record has no history entry: still flagged as returned.
    expect(surveyView(snap({}, { workflow: { status: 'returned', history: [] } }), TODAY)).toMatchObject({
      returned: true,
      returnComments: [],
    })
    expect(surveyView(snap({}, { workflow: { status: 'in_progress', history: [] } }), TODAY).returned).toBe(false)
  })

  it('the latest return’s field comments are shown at their fields while reworking; verified and later records are locked', () => {
    const history = [
      {
        from: 'submitted' as const,
        to: 'returned' as const,
        by: 'gs1',
        at: '2025-11-21T08:00:00Z',
        comment: null,
        fieldComments: [{ path: 'address', text: 'cũ' }],
      },
      { from: 'returned' as const, to: 'in_progress' as const, by: 'ev1', at: '2025-11-22T08:00:00Z', comment: null },
      { from: 'in_progress' as const, to: 'submitted' as const, by: 'ev1', at: '2025-11-23T08:00:00Z', comment: null },
      {
        from: 'submitted' as const,
        to: 'returned' as const,
        by: 'gs1',
        byName: 'Lê Thị Hồng',
        at: '2025-11-24T08:00:00Z',
        comment: null,
        fieldComments: [{ path: 'dwelling.floorAreaM2', text: 'Diện tích sai' }],
      },
    ]
    const v = surveyView(snap({}, { workflow: { status: 'returned', history } }), TODAY)
    expect(v.fieldComments).toEqual({ 'dwelling.floorAreaM2': 'Diện tích sai' })
    const reworking = [
      ...history,
      { from: 'returned' as const, to: 'in_progress' as const, by: 'ev1', at: '2025-11-25T08:00:00Z', comment: null },
    ]
    expect(
      surveyView(snap({}, { workflow: { status: 'in_progress', history: reworking } }), TODAY).fieldComments,
    ).toEqual({ 'dwelling.floorAreaM2': 'Diện tích sai' })
    const verified = [
      ...reworking,
      { from: 'in_progress' as const, to: 'submitted' as const, by: 'ev1', at: '2025-11-26T08:00:00Z', comment: null },
      { from: 'submitted' as const, to: 'verified' as const, by: 'gs1', at: '2025-11-27T08:00:00Z', comment: null },
    ]
    expect(surveyView(snap({}, { workflow: { status: 'verified', history: verified } }), TODAY)).toMatchObject({
      fieldComments: {},
      locked: true,
      editable: false,
    })
    expect(surveyView(snap({}, { workflow: { status: 'submitted', history: [] } }), TODAY).locked).toBe(false)
    // A comment at a member's question is shown where the form puts that member (by position).
    const MEMBER_ID = makeHousehold().members.at(-1)!.id
    const member = { ...history[3]!, fieldComments: [{ path: `members.${MEMBER_ID}.fullName`, text: 'Sai tên' }] }
    const withMember = surveyView(snap({}, { workflow: { status: 'returned', history: [member] } }), TODAY)
    const index = withMember.members.findIndex((r) => r.member.id === MEMBER_ID)
    expect(index).toBeGreaterThan(0)
    expect(withMember.fieldComments).toEqual({ [`members.${index}.fullName`]: 'Sai tên' })
  })

  it('treats unanswered questions as missing, not as their defaults (birth date, sex, health insurance, water, floor area)', () => {
    const m = makeMember({ fullName: 'Mới', relation: 'head' })
    const unanswered = new Set([
      `members.${m.id}.birthDate`,
      `members.${m.id}.sex`,
      `members.${m.id}.healthInsurance`,
      'dwelling.water',
      'dwelling.floorAreaM2',
    ])
    const v = surveyView(snap({ members: [m] }), TODAY, (p) => !unanswered.has(p))
    expect(v.members[0]?.age).toBeNull()
    expect(v.members[0]?.birthError).toBe('survey.error.required')
    expect(v.members[0]?.unanswered).toEqual(['sex', 'birthDate', 'healthInsurance'])
    expect(v.missing.map((x) => [x.key, x.params?.field])).toEqual(
      expect.arrayContaining([
        ['survey.missing.memberBirth', undefined],
        ['survey.missing.memberField', 'survey.member.sex,survey.member.healthInsurance'],
        ['survey.missing.floorArea', undefined],
        ['survey.missing.dwellingField', 'survey.dwelling.water'],
      ]),
    )
  })

  it('asks nothing of a child that only applies to adults (I01 employment), but needs I03/I06 answers', () => {
    const child = makeMember({
      fullName: 'Bé',
      relation: 'child',
      birthDate: '2018-03-01',
      schoolOnTrack: null,
      malnourished: null,
    })
    const head = makeMember({ fullName: 'Bố', relation: 'head' })
    const v = surveyView(
      snap({ members: [head, child] }),
      TODAY,
      (p) => !p.endsWith('.schoolOnTrack') && !p.endsWith('.malnourished'),
    )
    expect(v.members[1]?.unanswered).toEqual(['schoolOnTrack', 'malnourished'])
    expect(v.members[0]?.unanswered).toEqual([])
  })

  it('is read-only until the document has arrived (an empty doc reads as defaults with status listed)', () => {
    const empty = snap({ id: '' }, { workflow: { status: 'listed', history: [] } })
    const v = surveyView(empty, TODAY)
    expect(v.loaded).toBe(false)
    expect(v.editable).toBe(false)
    expect(surveyView(snap({}, { workflow: { status: 'listed', history: [] } }), TODAY).editable).toBe(true)
  })

  it('each missing item says where it is answered: the member editor and field, the dwelling or income field, GPS', () => {
    const head = makeMember({ fullName: 'Mới', relation: 'head' })
    const unanswered = new Set([
      `members.${head.id}.sex`,
      `members.${head.id}.healthInsurance`,
      'dwelling.water',
      'dwelling.floorAreaM2',
    ])
    const v = surveyView(
      snap({ members: [head], income: {}, location: null }, { screen: { result: null, reason: null } }),
      TODAY,
      (p) => !unanswered.has(p),
    )
    const targets = Object.fromEntries(v.missing.map((m) => [m.key, m.target]))
    expect(targets).toEqual({
      'survey.missing.quickScreen': { step: 'quick' },
      'survey.missing.memberField': { step: 'members', memberId: head.id, field: 'members.0.sex' },
      'survey.missing.income': { step: 'income', field: 'income.perCapitaMonthly' },
      'survey.missing.floorArea': { step: 'dwelling', field: 'dwelling.floorAreaM2' },
      'survey.missing.dwellingField': { step: 'dwelling', field: 'dwelling.water' },
      'survey.missing.location': { step: 'gps' },
    })
  })

  it('MS1 a missing answer that could change the category is a decisive item pointing at that member and field', () => {
    const head = makeMember({ fullName: 'Bố', relation: 'head', healthInsurance: false })
    const child = makeMember({
      id: 'child-1',
      fullName: 'Bé',
      relation: 'child',
      birthDate: '2018-03-01',
      ableToWork: false,
      employment: 'not_working',
      studying: true,
      education: 'primary',
      schoolOnTrack: true,
      malnourished: null,
    })
    // I04 (head uninsured) + I09 (water): 2 deprivations at the line; I03 unanswered could make the household poor.
    const v = surveyView(
      snap({
        members: [head, child],
        income: { perCapitaMonthly: 1_000_000 },
        dwelling: { ...makeHousehold().dwelling, water: 'surface_water' },
      }),
      TODAY,
    )
    expect(v.category).toBe('near_poor')
    expect(v.classification?.decisiveMissing).toEqual([
      { rule: 'I03', memberId: 'child-1', field: '$.members[1].malnourished' },
    ])
    const item = v.missing.find((m) => m.reason?.rule === 'I03')
    expect(item).toMatchObject({
      key: 'survey.missing.decisive',
      decisive: true,
      target: { step: 'members', memberId: 'child-1', field: 'members.1.malnourished' },
    })
  })

  it.each([
    ['$.members[1].schoolOnTrack', { step: 'members', memberId: 'b', field: 'members.1.schoolOnTrack' }],
    ['$.members', { step: 'members' }],
    ['$.dwelling.waste', { step: 'dwelling', field: 'dwelling.waste' }],
    ['$.income', { step: 'income', field: 'income.perCapitaMonthly' }],
    ['$.income.b1Score', { step: 'income', field: 'income.b1Score' }],
  ])('reasonTarget(%s)', (field, target) => {
    const members = [makeMember({ id: 'a' }), makeMember({ id: 'b' })]
    expect(reasonTarget({ rule: 'I06', vi: '', en: '', field }, members)).toEqual(target)
  })
})
