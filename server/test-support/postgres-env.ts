// Runs in every test worker of the PostgreSQL run: points RASOAT_TEST_DATABASE_URL at the run's own database, which
// openDb (and servers the tests spawn, through the environment) then use schema by schema.
import { inject } from 'vitest'

process.env.RASOAT_TEST_DATABASE_URL = inject('postgresRunUrl')
