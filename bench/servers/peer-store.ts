// The SQLite file both peers persist to (better-sqlite3, WAL, synchronous=NORMAL — the same settings for all),
// and the seeding of it with the shared corpus before a peer server starts.

import Database from 'better-sqlite3'

export type PeerDb = Database.Database

export function openPeerDb(file: string): PeerDb {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS docs (name TEXT PRIMARY KEY, state BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS updates (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "update" BLOB NOT NULL);
    CREATE INDEX IF NOT EXISTS updates_by_name ON updates (name, id);
  `)
  return db
}

export function seedPeerDb(file: string, docs: readonly { id: string; state: Uint8Array }[]): void {
  const db = openPeerDb(file)
  const ins = db.prepare('INSERT OR REPLACE INTO docs (name, state) VALUES (?, ?)')
  db.transaction(() => {
    for (const d of docs) ins.run(d.id, Buffer.from(d.state))
  })()
  db.close()
}

/** Full state of every named doc as the peer would load it (docs row + logged updates), for W7 verification. */
export function readPeerStates(file: string, names: readonly string[]): Map<string, Uint8Array[]> {
  const db = openPeerDb(file)
  const getDoc = db.prepare<[string], { state: Buffer }>('SELECT state FROM docs WHERE name = ?')
  const getUpdates = db.prepare<[string], { update: Buffer }>('SELECT "update" FROM updates WHERE name = ? ORDER BY id')
  const out = new Map<string, Uint8Array[]>()
  for (const n of names) {
    const parts: Uint8Array[] = []
    const row = getDoc.get(n)
    if (row) parts.push(new Uint8Array(row.state))
    for (const u of getUpdates.all(n)) parts.push(new Uint8Array(u.update))
    out.set(n, parts)
  }
  db.close()
  return out
}
