// The review steps of DOMAIN.md §1 for supervisors (their commune) and admins: verify (also in bulk), return with comments,
// meeting result, posting, re-check, approval, certification, and the decision on a household found in the field. The server writes each into the household document
// (HouseholdDoc review intents, SERVER_CLIENT_ID), answers after the commit and fans it out to every device.

import type { Hono } from 'hono'
import { z } from 'zod'
import type { Audit } from '../audit/audit-log.ts'
import type { Access, User } from '../auth/access.ts'
import type { Db } from '../db/open.ts'
import type { Relay } from '../relay/index.ts'
import { createAdmissionStore } from '../store/admission-store.ts'
import type { EditResult, HouseholdDoc, Reviewer } from '../../shared/doc/household-doc.ts'
import { requireRole, type AppEnv } from './context.ts'
import { ApiError } from './errors.ts'
import { readableHousehold } from './household-routes.ts'
import { jsonBody } from './validate.ts'

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date')
const comment = z.string().trim().min(1).max(2000)

const Bodies = {
  verify: z.object({ comment: comment.optional() }).strict(),
  return: z
    .object({
      comment: comment.optional(),
      fieldComments: z
        .array(z.object({ path: z.string().min(1).max(200), text: comment }).strict())
        .max(200)
        .default([]),
    })
    .strict()
    .refine((b) => b.comment !== undefined || b.fieldComments.length > 0, {
      message: 'a return needs a comment or a field comment',
      path: ['comment'],
    }),
  meeting: z
    .object({
      date,
      attendees: z.number().int().min(1).max(100_000),
      agreeing: z.number().int().min(0).max(100_000),
      comment: comment.optional(),
    })
    .strict()
    .refine((b) => b.agreeing <= b.attendees, { message: 'more agreeing than attendees', path: ['agreeing'] }),
  posting: z.object({ from: date, comment: comment.optional() }).strict(),
  recheck: z.object({ comment }).strict(),
  'recheck-done': z.object({ comment }).strict(),
  approve: z
    .object({ decisionNumber: z.string().trim().min(1).max(100), decisionDate: date, comment: comment.optional() })
    .strict(),
  certify: z.object({ comment: comment.optional() }).strict(),
} as const
type Step = keyof typeof Bodies
type Body<S extends Step> = z.infer<(typeof Bodies)[S]>

const AdmissionBody = z.object({ decision: z.enum(['approved', 'rejected']) }).strict()

const BulkVerify = z
  .object({ ids: z.array(z.string().min(1).max(128)).min(1).max(500), comment: comment.optional() })
  .strict()

/** The calendar date in Vietnam (UTC+7): posting days and decision dates are local days. */
const vietnamDate = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10)

/** One step as an intent on the document; `refuse` stops it with a review code before anything is written. */
function stepEdit<S extends Step>(
  step: S,
  body: Body<S>,
  by: Reviewer,
  today: string,
  refuse: (e: ApiError) => void,
): (doc: HouseholdDoc) => EditResult {
  const c = (body as { comment?: string }).comment ?? null
  return (doc) => {
    switch (step) {
      case 'verify':
        return doc.verify(by, c)
      case 'return': {
        const b = body as Body<'return'>
        return doc.returnForRework(by, c, b.fieldComments)
      }
      case 'meeting': {
        const b = body as Body<'meeting'>
        return doc.recordMeeting(by, { date: b.date, attendees: b.attendees, agreeing: b.agreeing }, c)
      }
      case 'posting':
        return doc.post(by, (body as Body<'posting'>).from, c)
      case 'recheck':
        return doc.startRecheck(by, c ?? '')
      case 'recheck-done':
        return doc.endRecheck(by, c ?? '')
      case 'approve': {
        const b = body as Body<'approve'>
        const until = [...doc.read().workflow.history].reverse().find((h) => h.postedUntil !== undefined)?.postedUntil
        if (doc.status === 'posted' && until !== undefined && today <= until) {
          refuse(new ApiError('review/posting-not-ended', `the posting runs until ${until}`, { postedUntil: until }))
          return {
            ok: false,
            code: 'household/invalid-transition',
            path: 'workflow.status',
            reason: 'posting not ended',
          }
        }
        return doc.approve(by, { number: b.decisionNumber, date: b.decisionDate }, c)
      }
      case 'certify':
        return doc.certify(by, c)
    }
    throw new Error(`unknown review step ${String(step)}`)
  }
}

export function reviewRoutes(
  app: Hono<AppEnv>,
  deps: { db: Db; access: Access; relay: Relay | undefined; now: () => number; audit?: Audit },
): void {
  const { db, access } = deps
  const admissions = createAdmissionStore(db)

  /** Runs one step on one household; throws ApiError with a stable code when it is refused (nothing written). */
  async function review<S extends Step>(
    user: User,
    id: string,
    step: S,
    body: Body<S>,
  ): Promise<{ id: string; status: string; serverSeq: number }> {
    if (!deps.relay) throw new Error('relay not running: cannot write review steps')
    readableHousehold(db, access, user, id)
    const t = deps.now()
    const by: Reviewer = { id: user.id, name: user.displayName, at: new Date(t).toISOString() }
    let refusal: ApiError | null = null
    let status = ''
    const edit = stepEdit(step, body, by, vietnamDate(t), (e) => (refusal = e))
    const r = await deps.relay.serverEdit(id, user, (doc) => {
      const result = edit(doc)
      status = doc.status
      return result
    })
    if (refusal !== null) throw refusal
    if (r.ok) {
      deps.audit?.record({ action: 'status-change', actor: user, target: id, details: { step, status } })
      return { id, status, serverSeq: r.serverSeq }
    }
    switch (r.code) {
      case 'household/not-found':
        throw new ApiError('household/not-found', r.message, { id })
      case 'household/invalid-transition':
        throw new ApiError('review/invalid-transition', r.message, { id, status })
      case 'sync/overloaded':
        throw new ApiError('rate/limited', r.message, { id })
      case 'period/closed':
        throw new ApiError('period/closed', r.message, { id })
      default:
        throw new ApiError('request/invalid', r.message, { issues: [{ path: [r.path ?? ''], message: r.message }] })
    }
  }

  for (const step of Object.keys(Bodies) as Step[]) {
    app.post(`/api/households/:id/review/${step}`, async (c) => {
      const user = requireRole(c, 'supervisor', 'admin')
      const body = await jsonBody(c, Bodies[step])
      return c.json(await review(user, c.req.param('id'), step, body))
    })
  }

  // A household found in the field: approved joins the list; rejected leaves the phones' lists (manifest).
  app.post('/api/households/:id/admission', async (c) => {
    const user = requireRole(c, 'supervisor', 'admin')
    const id = c.req.param('id')
    const { decision } = await jsonBody(c, AdmissionBody)
    if (!deps.relay) throw new Error('relay not running: cannot decide admissions')
    readableHousehold(db, access, user, id)
    const r = await deps.relay.serverEdit(
      id,
      user,
      (doc) => doc.decideAdmission(decision),
      () => admissions.setAdmission(id, decision),
    )
    if (r.ok) {
      deps.audit?.record({ action: 'status-change', actor: user, target: id, details: { step: 'admission', decision } })
      return c.json({ id, admission: decision, serverSeq: r.serverSeq })
    }
    if (r.code === 'household/invalid-transition') throw new ApiError('review/invalid-transition', r.message, { id })
    if (r.code === 'period/closed') throw new ApiError('period/closed', r.message, { id })
    throw new ApiError(r.code === 'household/not-found' ? 'household/not-found' : 'rate/limited', r.message, { id })
  })

  app.post('/api/review/verify', async (c) => {
    const user = requireRole(c, 'supervisor', 'admin')
    const body = await jsonBody(c, BulkVerify)
    const verifyBody: Body<'verify'> = body.comment === undefined ? {} : { comment: body.comment }
    // All steps are queued before any commit is awaited: one group commit for the list.
    const results = await Promise.all(
      [...new Set(body.ids)].map((id) =>
        review(user, id, 'verify', verifyBody).then(
          (r) => ({ ok: true as const, ...r }),
          (e: unknown) => {
            if (!(e instanceof ApiError)) throw e
            return { id, ok: false as const, code: e.code, message: e.message }
          },
        ),
      ),
    )
    return c.json({ results })
  })
}
