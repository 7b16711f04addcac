// `npm run cli -- user add|disable|enable|password …`: create users, turn sign-in off and on, reset a password.
// Passwords come from standard input or a hidden prompt when --password is omitted (the policy applies).

import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import {
  createUser,
  setUserDisabled,
  setUserPassword,
  UnknownPlaceError,
  UserNotFoundError,
  UsernameTakenError,
  WeakPasswordError,
} from '../auth/users.ts'
import { openCliDatabase } from './database.ts'
import { readPassword } from './password-input.ts'

const USAGE = `usage:
  user add --username U [--password P] --role enumerator|supervisor|admin|observer [--unit CODE] [--villages A,B] [--name NAME] [--data-dir D]
  user disable --username U [--data-dir D]      sign-in off, sessions ended
  user enable --username U [--data-dir D]
  user password --username U [--password P] [--data-dir D]     sessions ended
Without --password the password is read from standard input (first line) or asked for on the terminal.
`

const OPTIONS = {
  username: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  unit: { type: 'string' },
  villages: { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']

/** Known failures → messages on stderr and exit code 2; anything else is a bug and propagates. */
function reported(err: unknown): number {
  if (err instanceof ZodError) {
    for (const i of err.issues) process.stderr.write(`${i.path.join('.') || '(input)'}: ${i.message}\n`)
    return 2
  }
  if (
    err instanceof UsernameTakenError ||
    err instanceof UnknownPlaceError ||
    err instanceof UserNotFoundError ||
    err instanceof WeakPasswordError
  ) {
    process.stderr.write(`${err.message}\n`)
    return 2
  }
  throw err
}

async function password(values: Values, label?: string): Promise<string | null> {
  if (values.password !== undefined) return values.password
  const read = await readPassword(label)
  if ('error' in read) {
    process.stderr.write(`${read.error}\n`)
    return null
  }
  return read.password
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub !== 'add' && sub !== 'disable' && sub !== 'enable' && sub !== 'password') {
    process.stderr.write(USAGE)
    return 2
  }
  let values: Values
  try {
    values = parseArgs({ args: rest, options: OPTIONS, strict: true }).values
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const username = values.username ?? ''
  const misplaced = sub !== 'add' && (values.role ?? values.unit ?? values.villages ?? values.name) !== undefined
  if (sub !== 'add' && (!username || misplaced || (sub !== 'password' && values.password !== undefined))) {
    process.stderr.write(USAGE)
    return 2
  }
  const secret =
    sub === 'add' || sub === 'password' ? await password(values, sub === 'password' ? 'New password' : 'Password') : ''
  if (secret === null) return 2
  const { db } = openCliDatabase(values['data-dir'])
  try {
    if (sub === 'add') {
      const user = await createUser(db, {
        username,
        password: secret,
        // zod checks the role; the cast only satisfies the type of the input object.
        role: (values.role ?? '') as 'admin',
        unitCode: values.unit ?? null,
        villages: values.villages
          ? values.villages
              .split(',')
              .map((v) => v.trim())
              .filter(Boolean)
          : [],
        ...(values.name ? { displayName: values.name } : {}),
      })
      process.stdout.write(`${JSON.stringify({ user })}\n`)
    } else if (sub === 'password') {
      const { sessionsEnded } = await setUserPassword(db, username, secret)
      process.stdout.write(`${JSON.stringify({ username, sessionsEnded })}\n`)
    } else {
      const disabled = sub === 'disable'
      const { sessionsEnded } = setUserDisabled(db, username, disabled)
      process.stdout.write(`${JSON.stringify({ username, disabled, sessionsEnded })}\n`)
    }
    return 0
  } catch (err) {
    return reported(err)
  } finally {
    db.close()
  }
}
