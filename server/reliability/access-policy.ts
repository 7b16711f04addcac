// Who may do what, declared once from DOMAIN.md §2 (roles), docs/server.md (route table, Console API) and
// docs/sync-protocol.md (P11, errors) — not read from the code it checks. access-matrix.test.ts turns it into cases.

export type Role = 'enumerator' | 'supervisor' | 'admin' | 'observer'

/** `any`: whatever the area; `scope`: only inside the user's area; `no`: never. */
export type Grant = 'any' | 'scope' | 'no'

/**
 * What "inside the area" is measured against: `household` — the record in the path (or `?household=`); an enumerator's
 * area is the villages assigned to them, a supervisor's their commune; `unit` — the commune asked for in `?unit=`
 * (a supervisor's default is their own); `none` — the route names no area (it filters, or is admin-only).
 */
export type AreaKind = 'household' | 'unit' | 'none'

export interface RoutePolicy {
  method: 'GET' | 'POST' | 'PUT'
  /** The path exactly as the app registers it (Hono pattern). */
  path: string
  /** Writes must change nothing when refused. */
  kind: 'read' | 'write' | 'socket'
  area: AreaKind
  /** Answered without a session (signed out, disabled and expired callers included). */
  open?: true
  who: Record<Role, Grant>
}

const everyone: Record<Role, Grant> = { enumerator: 'any', supervisor: 'any', admin: 'any', observer: 'any' }
const adminOnly: Record<Role, Grant> = { enumerator: 'no', supervisor: 'no', admin: 'any', observer: 'no' }
const adminObserver: Record<Role, Grant> = { enumerator: 'no', supervisor: 'no', admin: 'any', observer: 'any' }
/** The console's reads: a supervisor their commune, admins and observers every commune, enumerators nothing. */
const console_: Record<Role, Grant> = { enumerator: 'no', supervisor: 'scope', admin: 'any', observer: 'any' }
/** A household's reads: the enumerator of its village, the supervisor of its commune, admins, observers. */
const householdRead: Record<Role, Grant> = { enumerator: 'scope', supervisor: 'scope', admin: 'any', observer: 'any' }
/** Review steps and admission: the supervisor of the commune and admins (DOMAIN §2). */
const review: Record<Role, Grant> = { enumerator: 'no', supervisor: 'scope', admin: 'any', observer: 'no' }

const r = (
  method: RoutePolicy['method'],
  path: string,
  kind: RoutePolicy['kind'],
  area: AreaKind,
  who: Record<Role, Grant>,
  open?: true,
): RoutePolicy => ({ method, path, kind, area, who, ...(open ? { open } : {}) })

export const REVIEW_STEPS = ['verify', 'return', 'meeting', 'posting', 'recheck', 'recheck-done', 'approve', 'certify']

export const ROUTE_POLICY: readonly RoutePolicy[] = [
  r('GET', '/api/health', 'read', 'none', everyone, true),
  r('GET', '/api/ready', 'read', 'none', everyone, true),
  r('POST', '/api/login', 'write', 'none', everyone, true),
  r('GET', '/api/map', 'read', 'none', everyone, true),
  r('POST', '/api/logout', 'write', 'none', everyone),
  r('GET', '/api/me', 'read', 'none', everyone),
  r('GET', '/api/units', 'read', 'none', everyone),
  r('GET', '/api/villages', 'read', 'none', everyone),
  r('GET', '/api/periods', 'read', 'none', everyone),
  r('GET', '/api/households', 'read', 'none', everyone),
  r('GET', '/api/households/:id', 'read', 'household', householdRead),
  r('GET', '/api/households/:id/history', 'read', 'household', householdRead),
  r('GET', '/api/households/:id/state', 'read', 'household', householdRead),
  r('GET', '/api/households/:id/periods', 'read', 'household', householdRead),
  r('GET', '/api/pins', 'read', 'unit', console_),
  r('GET', '/api/progress', 'read', 'unit', console_),
  r('GET', '/api/devices', 'read', 'unit', console_),
  r('POST', '/api/devices/report', 'write', 'none', everyone),
  r('GET', '/api/reports', 'read', 'unit', console_),
  r('GET', '/api/reports/export.xlsx', 'read', 'unit', console_),
  r('GET', '/api/reports/:file{[a-z-]+\\.csv}', 'read', 'unit', console_),
  r('GET', '/api/lists', 'read', 'unit', console_),
  // The queue is filtered to the caller's area (another commune's `unit` answers an empty page).
  r('GET', '/api/conflicts', 'read', 'none', { ...console_, supervisor: 'any' }),
  r('POST', '/api/conflicts/:id/resolve', 'write', 'none', adminOnly),
  r('POST', '/api/conflicts/resolve', 'write', 'none', adminOnly),
  ...REVIEW_STEPS.map((s) => r('POST', `/api/households/:id/review/${s}`, 'write', 'household', review)),
  r('POST', '/api/households/:id/admission', 'write', 'household', review),
  r('POST', '/api/review/verify', 'write', 'none', { ...review, supervisor: 'any' }),
  r('POST', '/api/assignments/move', 'write', 'none', { ...review, supervisor: 'any' }),
  r('GET', '/api/assignments', 'read', 'unit', { ...review }),
  r('GET', '/api/users', 'read', 'none', adminObserver),
  r('POST', '/api/users', 'write', 'none', adminOnly),
  r('POST', '/api/users/:username', 'write', 'none', adminOnly),
  ...['disable', 'enable', 'password', 'unlock'].map((a) =>
    r('POST', `/api/users/:username/${a}`, 'write', 'none', adminOnly),
  ),
  r('GET', '/api/areas/villages', 'read', 'none', adminObserver),
  r('POST', '/api/areas/villages', 'write', 'none', adminOnly),
  ...['rename', 'merge', 'assign', 'unassign'].map((a) =>
    r('POST', `/api/areas/villages/:id/${a}`, 'write', 'none', adminOnly),
  ),
  r('POST', '/api/areas/units', 'write', 'none', adminOnly),
  r('GET', '/api/audit', 'read', 'none', adminObserver),
  r('GET', '/api/audit.csv', 'read', 'none', adminObserver),
  r('GET', '/api/b1-tables', 'read', 'none', everyone),
  r('POST', '/api/b1-tables', 'write', 'none', adminOnly),
  r('GET', '/api/register/imports', 'read', 'none', adminOnly),
  r('POST', '/api/register/imports', 'write', 'none', adminOnly),
  r('POST', '/api/periods', 'write', 'none', adminOnly),
  ...['carry', 'current', 'close'].map((a) => r('POST', `/api/periods/:id/${a}`, 'write', 'none', adminOnly)),
  r('GET', '/api/periods/counts', 'read', 'none', { ...console_, supervisor: 'any' }),
  // Photos: the uploader must be able to write the linked household; readers of that household may fetch it.
  r('PUT', '/api/photos/:sha256', 'write', 'household', { ...adminOnly, enumerator: 'scope' }),
  r('GET', '/api/photos/:sha256', 'read', 'household', householdRead),
  // WebSockets (checked frame by frame in the socket cases): any signed-in role opens /sync; /yjs reads one household.
  r('GET', '/sync', 'socket', 'none', everyone),
  r('GET', '/yjs/:householdId', 'socket', 'household', householdRead),
  r('GET', '/live', 'socket', 'unit', console_),
  // The built client: files and the SPA fallback, for anyone.
  r('GET', '/*', 'read', 'none', everyone, true),
]

/** Middleware the app registers for every path; not routes of their own. */
export const MIDDLEWARE_PATTERNS = ['/*', '/api/*'] as const

/**
 * /sync frames a client may send (docs/sync-protocol.md) and who may send them: HELLO with any live session; MANIFEST
 * bootstraps only the user's area; DOC step1 reads and DOC step2/update writes one household. The server's own kinds
 * (WELCOME, MANIFEST_REPLY, ACK, HEAD, CONFLICT, ERROR, STATE) are never accepted from a client.
 */
export const SYNC_POLICY: Record<string, { from: 'client' | 'server'; who: Record<Role, Grant> }> = {
  HELLO: { from: 'client', who: everyone },
  MANIFEST: { from: 'client', who: householdRead },
  DOC: { from: 'client', who: householdRead },
  BATCH: { from: 'client', who: everyone },
  WELCOME: { from: 'server', who: everyone },
  MANIFEST_REPLY: { from: 'server', who: everyone },
  ACK: { from: 'server', who: everyone },
  HEAD: { from: 'server', who: everyone },
  CONFLICT: { from: 'server', who: everyone },
  ERROR: { from: 'server', who: everyone },
  STATE: { from: 'server', who: everyone },
}

/** DOC payloads and /yjs messages: reading (step1) follows `householdRead`; writing (step2, update) only the
 * enumerator of the household's village and admins, in an open period; awareness is relayed, never stored. */
export const DOC_WRITE: Record<Role, Grant> = { enumerator: 'scope', supervisor: 'no', admin: 'any', observer: 'no' }
export const DOC_READ = householdRead
export const YJS_POLICY: Record<string, 'read' | 'write' | 'presence'> = {
  'sync-step1': 'read',
  'sync-step2': 'write',
  'sync-update': 'write',
  awareness: 'presence',
}
