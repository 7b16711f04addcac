// Every migration in both dialects: run on SQLite and on PostgreSQL, the schemas must match (tables, columns in order,
// nullability, primary keys, indexes by name with their columns and uniqueness) up to the type mapping.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freshPgSchema, type PgSchema } from '../test-support/postgres.ts'
import { appliedMigrations, migrate } from './migrate.ts'
import { migrations } from './migrations/index.ts'
import { withDialect, type Db } from './open.ts'

interface Schema {
  tables: Record<string, { columns: string[]; primaryKey: string[] }>
  indexes: Record<string, string>
}

/** SQLite's and PostgreSQL's spelling of the four storage classes the schema uses. */
const TYPE: Record<string, string> = {
  INTEGER: 'integer',
  bigint: 'integer',
  integer: 'integer',
  REAL: 'real',
  'double precision': 'real',
  BLOB: 'blob',
  bytea: 'blob',
  TEXT: 'text',
  text: 'text',
}

function sqliteSchema(db: Db): Schema {
  const schema: Schema = { tables: {}, indexes: {} }
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
  for (const t of tables) {
    const cols = db.prepare(`PRAGMA table_info(${t})`).all() as {
      name: string
      type: string
      notnull: number
      pk: number
    }[]
    schema.tables[t] = {
      columns: cols.map((c) => `${c.name} ${TYPE[c.type] ?? c.type}${c.notnull || c.pk ? ' not null' : ''}`),
      primaryKey: cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
    }
    const list = db.prepare(`PRAGMA index_list(${t})`).all() as { name: string; unique: number; origin: string }[]
    for (const ix of list.filter((i) => i.origin === 'c')) {
      const cols = (db.prepare(`PRAGMA index_info(${ix.name})`).all() as { name: string }[]).map((c) => c.name)
      schema.indexes[ix.name] = `${t}(${cols.join(', ')})${ix.unique ? ' unique' : ''}`
    }
  }
  return schema
}

function postgresSchema(db: Db): Schema {
  const schema: Schema = { tables: {}, indexes: {} }
  const cols = db
    .prepare(
      `SELECT c.table_name AS t, c.column_name AS c, c.data_type AS type, c.is_nullable AS nullable
       FROM information_schema.columns c JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`,
    )
    .all() as { t: string; c: string; type: string; nullable: string }[]
  for (const c of cols) {
    const table = (schema.tables[c.t] ??= { columns: [], primaryKey: [] })
    table.columns.push(`${c.c} ${TYPE[c.type] ?? c.type}${c.nullable === 'NO' ? ' not null' : ''}`)
  }
  const indexes = db
    .prepare(
      `SELECT ic.relname AS name, tc.relname AS t, i.indisunique AS uniq, i.indisprimary AS pk,
              (SELECT count(*) FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS owned,
              array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(n, o)
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o), ',') AS cols
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
       WHERE tc.relnamespace = current_schema()::regnamespace`,
    )
    .all() as { name: string; t: string; uniq: number; pk: number; owned: number; cols: string }[]
  for (const ix of indexes) {
    const table = schema.tables[ix.t]
    if (ix.pk && table) table.primaryKey = ix.cols.split(',')
    else if (!ix.owned) schema.indexes[ix.name] = `${ix.t}(${ix.cols.split(',').join(', ')})${ix.uniq ? ' unique' : ''}`
  }
  return schema
}

/**
 * What one engine has on purpose (migration 023): SQLite finds a household's log rows through their chain (each row's
 * id and prev, the summary row's log_last), PostgreSQL through its (household, seq) index.
 */
const SQLITE_ONLY = {
  columns: { doc_log: ['id integer not null', 'prev integer'], households: ['log_last integer'] },
  primaryKeys: { doc_log: ['id'] },
  indexes: [],
}
const POSTGRES_ONLY = { columns: {}, primaryKeys: {}, indexes: ['doc_log_key'] }

/** The schema without what `own` lists, each of which must be there. */
function withoutEngineOwn(
  schema: Schema,
  own: { columns: Record<string, string[]>; primaryKeys: Record<string, string[]>; indexes: string[] },
): Schema {
  const tables = structuredClone(schema.tables)
  for (const [t, cols] of Object.entries(own.columns)) {
    expect(tables[t]?.columns).toEqual(expect.arrayContaining(cols))
    tables[t]!.columns = tables[t]!.columns.filter((c) => !cols.includes(c))
  }
  for (const [t, pk] of Object.entries(own.primaryKeys)) {
    expect(tables[t]?.primaryKey).toEqual(pk)
    tables[t]!.primaryKey = []
  }
  const indexes = { ...schema.indexes }
  for (const name of own.indexes) {
    expect(indexes).toHaveProperty(name)
    delete indexes[name]
  }
  return { tables, indexes }
}

describe('migrations in both dialects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rasoat-dialects-'))
  let pg: PgSchema | undefined
  const opened: Db[] = []
  afterAll(() => {
    for (const db of opened) db.close()
    pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('build the same schema on SQLite and PostgreSQL, and run once', () => {
    const lite = withDialect(new Database(join(dir, 'rasoat.db')))
    opened.push(lite)
    pg = freshPgSchema('migr')
    const post = pg.open()
    opened.push(post)
    const all = migrations.map((m) => m.id)
    expect(migrate(lite, migrations)).toEqual(all)
    expect(migrate(post, migrations)).toEqual(all)
    expect(migrate(post, migrations)).toEqual([])
    expect(appliedMigrations(post).map((m) => m.id)).toEqual(all)
    const a = withoutEngineOwn(sqliteSchema(lite), SQLITE_ONLY)
    const b = withoutEngineOwn(postgresSchema(post), POSTGRES_ONLY)
    expect(Object.keys(b.tables).sort()).toEqual(Object.keys(a.tables).sort())
    for (const t of Object.keys(a.tables)) expect({ t, ...b.tables[t] }).toEqual({ t, ...a.tables[t] })
    expect(b.indexes).toEqual(a.indexes)
    expect(Object.keys(a.indexes).length).toBeGreaterThan(20)
    // Views: the same names and columns (their types are the expressions', which SQLite does not declare).
    const liteViews = lite.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").pluck().all()
    const postViews = post
      .prepare('SELECT table_name FROM information_schema.views WHERE table_schema = current_schema() ORDER BY 1')
      .pluck()
      .all()
    expect(postViews).toEqual(liteViews)
    expect(liteViews).toEqual(['field_writes'])
    expect(
      post
        .prepare(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()
           AND table_name = 'field_writes' ORDER BY ordinal_position`,
        )
        .pluck()
        .all(),
    ).toEqual((lite.prepare('PRAGMA table_info(field_writes)').all() as { name: string }[]).map((c) => c.name))
  })

  it('keep conflict ids and settle old ones as typed values (012) on PostgreSQL, and new ids follow', () => {
    const p = freshPgSchema('migr')
    const db = p.open()
    try {
      migrate(
        db,
        migrations.filter((m) => m.id < 12),
      )
      const add = db.prepare(
        "INSERT INTO conflicts (household_id, path, candidates_json, status, created_at) VALUES ('h', 'p', '[]', ?, 1)",
      )
      add.run('open')
      add.run('resolved')
      migrate(db, migrations)
      expect(db.prepare('SELECT id, status, resolution_kind AS kind FROM conflicts ORDER BY id').all()).toEqual([
        { id: 1, status: 'open', kind: null },
        { id: 2, status: 'resolved', kind: 'value' },
      ])
      expect(Number(add.run('dismissed').lastInsertRowid)).toBe(3)
      expect(() => add.run('unknown')).toThrow(expect.objectContaining({ code: '23514' }))
    } finally {
      db.close()
      p.drop()
    }
  })
})
