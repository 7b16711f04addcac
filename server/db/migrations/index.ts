// The ordered list of schema migrations. Append only: one import and one array entry per migration.

import type { Migration } from '../migrate.ts'
import { peopleAndPlaces } from './001-people-and-places.ts'
import { relayDocStore } from './002-relay.ts'
import { householdListOrder } from './003-household-list-order.ts'
import { householdMapIndex } from './004-household-map-index.ts'
import { relaySnapshotV2 } from './005-relay-snapshot-v2.ts'
import { storageMeta } from './006-storage-meta.ts'
import { householdAdmission } from './007-household-admission.ts'
import { registerAndAudit } from './008-register-and-audit.ts'
import { householdAssignee } from './009-household-assignee.ts'
import { consoleReadModels } from './010-console.ts'
import { periodLifecycle } from './011-period-lifecycle.ts'
import { conflictQueue } from './012-conflict-queue.ts'
import { periodCarry } from './014-period-carry.ts'
import { b1Tables } from './015-b1-tables.ts'
import { reportFacts } from './016-report-facts.ts'
import { factsVersion } from './017-facts-version.ts'
import { docSnapshot } from './018-doc-snapshot.ts'
import { fieldWrites } from './019-field-writes.ts'
import { headInSummary } from './020-head-in-summary.ts'
import { scopeVersion } from './021-scope-version.ts'
import { logAppend } from './022-log-append.ts'
import { logChain } from './023-log-chain.ts'

export const migrations: readonly Migration[] = [
  peopleAndPlaces,
  relayDocStore,
  householdListOrder,
  householdMapIndex,
  relaySnapshotV2,
  storageMeta,
  householdAdmission,
  registerAndAudit,
  householdAssignee,
  consoleReadModels,
  periodLifecycle,
  conflictQueue,
  periodCarry,
  b1Tables,
  reportFacts,
  factsVersion,
  docSnapshot,
  fieldWrites,
  headInSummary,
  scopeVersion,
  logAppend,
  logChain,
]
