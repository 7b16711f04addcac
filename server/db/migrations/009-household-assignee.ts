// Migration 009: a household-level assignee that overrides its village's enumerators (a supervisor moves single
// households as well as whole villages), and the release grant that lets the previous assignee's device push the edits
// it made before the move (docs/server.md "Assignments").

import { execFor, type Migration } from '../migrate.ts'

export const householdAssignee: Migration = {
  id: 9,
  name: 'household-assignee',
  up(db) {
    execFor(db, {
      sqlite: `
      ALTER TABLE households ADD COLUMN assignee_id TEXT NULL REFERENCES users(id);
      CREATE INDEX households_assignee ON households(assignee_id, period);
      CREATE TABLE released_households (
        household_id TEXT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        released_at INTEGER NOT NULL,
        holders TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (household_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX released_households_user ON released_households(user_id);
    `,
      postgres: `
      ALTER TABLE households ADD COLUMN assignee_id TEXT NULL REFERENCES users(id);
      CREATE INDEX households_assignee ON households(assignee_id, period);
      CREATE TABLE released_households (
        household_id TEXT NOT NULL REFERENCES households(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        released_at BIGINT NOT NULL,
        holders TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (household_id, user_id)
      );
      CREATE INDEX released_households_user ON released_households(user_id);
    `,
    })
  },
}
