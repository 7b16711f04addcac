// Migration 006: a `meta` table holding the database epoch (WELCOME, P15 in docs/sync-protocol.md), created here and
// replaced by `restore`, so devices notice restored data; plus the photo index the per-user upload cap reads.

import { randomUUID } from 'node:crypto'
import { execFor, type Migration } from '../migrate.ts'

export const storageMeta: Migration = {
  id: 6,
  name: 'storage-meta',
  up(db) {
    execFor(db, {
      sqlite: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX photos_uploader_time ON photos(uploaded_by, created_at);
    `,
      postgres: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE INDEX photos_uploader_time ON photos(uploaded_by, created_at);
    `,
    })
    db.prepare(`INSERT INTO meta (key, value) VALUES ('epoch', ?)`).run(randomUUID())
  },
}
