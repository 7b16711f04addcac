// Migration 008: the population-register import (which register household became which household document, and one
// record per import) and the audit log of administrative actions (logins, imports, resolutions, user changes…).

import type { Migration } from '../migrate.ts'

export const registerAndAudit: Migration = {
  id: 8,
  name: 'register-and-audit',
  up(db) {
    db.exec(`
      CREATE TABLE register_households (
        period TEXT NOT NULL,
        household_code TEXT NOT NULL,
        household_id TEXT NOT NULL UNIQUE,
        import_id TEXT NOT NULL,
        PRIMARY KEY (period, household_code)
      ) WITHOUT ROWID;
      CREATE TABLE register_imports (
        id TEXT PRIMARY KEY,
        period TEXT NOT NULL,
        user_id TEXT NOT NULL,
        username TEXT NOT NULL,
        at INTEGER NOT NULL,
        file_sha256 TEXT NOT NULL,
        file_name TEXT NULL,
        rows INTEGER NOT NULL,
        created INTEGER NOT NULL,
        proposals INTEGER NOT NULL,
        unchanged INTEGER NOT NULL
      );
      CREATE INDEX register_imports_period ON register_imports(period, at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        user_id TEXT NULL,
        username TEXT NULL,
        address TEXT NULL,
        target TEXT NULL,
        details_json TEXT NOT NULL DEFAULT '{}',
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE INDEX audit_log_action ON audit_log(action, at);
      CREATE INDEX audit_log_username ON audit_log(username, at);
    `)
  },
}
