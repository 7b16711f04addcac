// Migration 015: Phiếu B1 point tables loaded by an administrator, one row per load. At most one table is active per
// standard and area type; a new load for the same pair deactivates the previous one, which stays for history.

import type { Migration } from '../migrate.ts'

export const b1Tables: Migration = {
  id: 15,
  name: 'b1-tables',
  up(db) {
    db.exec(`
      CREATE TABLE b1_tables (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        standard TEXT NOT NULL,
        area_type TEXT NOT NULL CHECK (area_type IN ('urban', 'rural')),
        version TEXT NOT NULL,
        table_json TEXT NOT NULL,
        loaded_by TEXT NOT NULL,
        loaded_at INTEGER NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
      );
      CREATE UNIQUE INDEX b1_tables_active ON b1_tables(standard, area_type) WHERE active = 1;
    `)
  },
}
