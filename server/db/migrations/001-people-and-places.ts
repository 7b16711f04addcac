// Migration 001: people (users, sessions, assignments), places (units, villages), periods, the household
// summary table the relay keeps up to date, and uploaded photos.

import { execFor, type Migration } from '../migrate.ts'

export const peopleAndPlaces: Migration = {
  id: 1,
  name: 'people-and-places',
  up(db) {
    execFor(db, {
      sqlite: `
      CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('phuong', 'xa')),
        area_type TEXT NOT NULL CHECK (area_type IN ('urban', 'rural'))
      );
      CREATE TABLE villages (
        id TEXT PRIMARY KEY,
        unit_code TEXT NOT NULL REFERENCES units(code),
        name TEXT NOT NULL
      );
      CREATE INDEX villages_unit ON villages(unit_code);
      CREATE TABLE periods (
        id TEXT PRIMARY KEY,
        standard TEXT NOT NULL,
        reference_date TEXT NOT NULL,
        is_current INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'admin', 'observer')),
        unit_code TEXT NULL,
        display_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_id TEXT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE assignments (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        village_id TEXT NOT NULL REFERENCES villages(id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, village_id)
      ) WITHOUT ROWID;
      CREATE INDEX assignments_village ON assignments(village_id);
      CREATE TABLE households (
        id TEXT PRIMARY KEY,
        period TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        village_id TEXT NOT NULL,
        head_name TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'listed',
        category TEXT NOT NULL DEFAULT 'incomplete',
        deprivation_count INTEGER NOT NULL DEFAULT 0,
        lat REAL NULL,
        lng REAL NULL,
        accuracy_m REAL NULL,
        last_editor TEXT NULL,
        server_seq INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NULL,
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX households_village ON households(village_id, period);
      CREATE INDEX households_unit ON households(unit_code, period);
      CREATE INDEX households_period_lat ON households(period, lat);
      CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        household_id TEXT NULL,
        uploaded_by TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX photos_household ON photos(household_id);
    `,
      postgres: `
      CREATE TABLE units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('phuong', 'xa')),
        area_type TEXT NOT NULL CHECK (area_type IN ('urban', 'rural'))
      );
      CREATE TABLE villages (
        id TEXT PRIMARY KEY,
        unit_code TEXT NOT NULL REFERENCES units(code),
        name TEXT NOT NULL
      );
      CREATE INDEX villages_unit ON villages(unit_code);
      CREATE TABLE periods (
        id TEXT PRIMARY KEY,
        standard TEXT NOT NULL,
        reference_date TEXT NOT NULL,
        is_current INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'admin', 'observer')),
        unit_code TEXT NULL,
        display_name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        device_id TEXT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE assignments (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        village_id TEXT NOT NULL REFERENCES villages(id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, village_id)
      );
      CREATE INDEX assignments_village ON assignments(village_id);
      CREATE TABLE households (
        id TEXT PRIMARY KEY,
        period TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        village_id TEXT NOT NULL,
        head_name TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'listed',
        category TEXT NOT NULL DEFAULT 'incomplete',
        deprivation_count INTEGER NOT NULL DEFAULT 0,
        lat DOUBLE PRECISION NULL,
        lng DOUBLE PRECISION NULL,
        accuracy_m DOUBLE PRECISION NULL,
        last_editor TEXT NULL,
        server_seq INTEGER NOT NULL DEFAULT 0,
        updated_at BIGINT NULL,
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX households_village ON households(village_id, period);
      CREATE INDEX households_unit ON households(unit_code, period);
      CREATE INDEX households_period_lat ON households(period, lat);
      CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        household_id TEXT NULL,
        uploaded_by TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX photos_household ON photos(household_id);
    `,
    })
  },
}
