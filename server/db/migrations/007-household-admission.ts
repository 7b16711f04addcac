// Migration 007: households found in the field carry their admission (pending → approved | rejected) in the summary
// row, so the phone's manifest can drop a rejected one and lists can show which wait for the supervisor.

import type { Migration } from '../migrate.ts'

export const householdAdmission: Migration = {
  id: 7,
  name: 'household-admission',
  up(db) {
    // NULL: a listed household (imported or seeded); otherwise the document's workflow.admission.
    db.exec(`ALTER TABLE households ADD COLUMN admission TEXT NULL`)
  },
}
