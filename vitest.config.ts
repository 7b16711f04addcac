// Test runner config, separate from vite.config.ts because the app's Vite root is client/.
// RASOAT_TEST_ENGINE=postgres runs the server suites on PostgreSQL (RASOAT_TEST_DATABASE_URL; docs/server.md).
import { defineConfig } from 'vitest/config'

const postgres = process.env.RASOAT_TEST_ENGINE === 'postgres'

/**
 * Tests of SQLite itself (WAL fsync, pragmas, files, backup/restore, folder lock, crash durability, the log's chain):
 * SQLite only.
 */
export const SQLITE_ONLY = [
  'server/db/migrate.test.ts',
  'server/db/migrations/0*.test.ts',
  'server/db/wal-sync.test.ts',
  'server/db/checkpointer.test.ts',
  'server/store/log-chain.test.ts',
  'server/main-startup.test.ts',
  'server/cli/backup-restore.test.ts',
  'server/cli/backup-live.test.ts',
  'server/relay/epoch-restore.test.ts',
  'server/reliability/storage-faults.test.ts',
  'server/reliability/crash-trials.test.ts',
]

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts', 'e2e/**/*.test.ts'],
    ...(postgres
      ? {
          exclude: ['**/node_modules/**', ...SQLITE_ONLY],
          globalSetup: ['server/test-support/postgres-run.ts'],
          setupFiles: ['server/test-support/postgres-env.ts'],
        }
      : {}),
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
})
