// The real `npm run cli -- import-register FILE --period P` command against a temp data dir: errors as
// line:column: message with exit 2 and nothing written; a good file imports; the same file again changes nothing.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../db/migrate.ts'
import { migrations } from '../db/migrations/index.ts'
import { openDb } from '../db/open.ts'
import { ensureReferenceData } from '../db/reference-data.ts'
import { databaseFile } from '../server.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'rasoat-cli-register-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const cli = (...args: string[]) =>
  spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['server/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  })
const HEADER = 'household_code,personal_id,full_name,sex,birth_date,relation,ethnicity,unit,village,address'
const count = (sql: string): number => {
  const db = openDb(databaseFile(dataDir))
  try {
    return db.prepare(sql).pluck().get() as number
  } finally {
    db.close()
  }
}

describe('cli import-register', () => {
  it('prints line:column errors and exits 2; imports a good file; the same file again writes nothing', () => {
    expect(cli('import-register', '--data-dir', dataDir).status).toBe(2)
    // The village must exist before an import names it (imports never create villages).
    const db = openDb(databaseFile(dataDir))
    migrate(db, migrations)
    ensureReferenceData(db)
    db.prepare("INSERT INTO villages (id, unit_code, name) VALUES ('V1', '19900', 'Thôn Một')").run()
    db.close()
    const bad = join(dataDir, 'bad.csv')
    writeFileSync(
      bad,
      [HEADER, 'HK1,046080123456,Nguyễn Văn Hùng,nữ,1980-03-12,chủ hộ,Kinh,19900,Thôn Một,1 Đường'].join('\n'),
    )
    const r1 = cli('import-register', bad, '--period', '2025', '--data-dir', dataDir)
    expect(r1.status).toBe(2)
    expect(r1.stderr).toContain('2:personal_id: digit 4 says male, member is female')
    expect(count('SELECT COUNT(*) FROM households')).toBe(0)
    const good = join(dataDir, 'good.csv')
    writeFileSync(
      good,
      [HEADER, 'HK1,046080123456,Nguyễn Văn Hùng,nam,1980-03-12,chủ hộ,Kinh,19900,Thôn Một,1 Đường'].join('\n'),
    )
    const r2 = cli('import-register', good, '--period', '2025', '--data-dir', dataDir)
    expect(r2.status).toBe(0)
    expect(JSON.parse(r2.stdout)).toMatchObject({ ok: true, created: 1, rows: 1 })
    const seq = count('SELECT SUM(server_seq) FROM households')
    const r3 = cli('import-register', good, '--period', '2025', '--data-dir', dataDir)
    expect(JSON.parse(r3.stdout)).toMatchObject({ ok: true, created: 0, proposals: 0, unchanged: 1 })
    expect(count('SELECT COUNT(*) FROM households')).toBe(1)
    expect(count('SELECT SUM(server_seq) FROM households')).toBe(seq)
    expect(count("SELECT COUNT(*) FROM audit_log WHERE action = 'register-import'")).toBe(2)
  })
})
