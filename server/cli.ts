// Command-line entry (`npm run cli -- <command> …`): a table of commands, each a module under server/cli/ loaded
// lazily, so `classify` never loads SQLite. To add a command, add one line to COMMANDS and a module exporting run().

/** What every command module under server/cli/ exports. Returns the process exit code. */
export interface CliCommand {
  run(args: string[]): Promise<number>
}

interface CommandEntry {
  usage: string
  load: () => Promise<CliCommand>
}

export const COMMANDS: Record<string, CommandEntry> = {
  classify: {
    usage: 'classify FILE [--standard ID]   classify one household or an array (rasoat.household/1); JSON on stdout',
    load: () => import('./cli/classify.ts'),
  },
  user: {
    usage:
      'user add|disable|enable|password --username U [--role R --unit CODE --villages A,B] [--data-dir D]   manage users (password from stdin or a prompt)',
    load: () => import('./cli/user.ts'),
  },
  backup: {
    usage: 'backup FILE [--data-dir D]   one file with the database and photos, consistent while the server runs',
    load: () => import('./cli/backup.ts'),
  },
  restore: {
    usage: 'restore FILE [--data-dir D]   replace the data with a backup (server stopped); devices see a new epoch',
    load: () => import('./cli/restore.ts'),
  },
  'import-register': {
    usage:
      'import-register FILE.csv --period P [--dry-run] [--data-dir D]   population-register CSV: new households, proposals for changed people',
    load: () => import('./cli/import-register.ts'),
  },
  'open-period': {
    usage:
      'open-period ID --standard S --reference-date D [--from P] [--data-dir D]   new review period; carries the poor/near-poor list',
    load: () => import('./cli/period-commands.ts').then((m) => m.open),
  },
  'carry-period': {
    usage: 'carry-period ID [--data-dir D]   finish an interrupted carry-over (never duplicates)',
    load: () => import('./cli/period-commands.ts').then((m) => m.carry),
  },
  'current-period': {
    usage: 'current-period ID [--data-dir D]   phones work on this review period from their next sync',
    load: () => import('./cli/period-commands.ts').then((m) => m.current),
  },
  'close-period': {
    usage: 'close-period ID [--data-dir D]   freeze a review period (not the current one; cannot be re-opened)',
    load: () => import('./cli/period-commands.ts').then((m) => m.close),
  },
  reproject: {
    usage: 'reproject [--data-dir D]   recompute the report facts of records committed before they existed',
    load: () => import('./cli/reproject.ts').then((m) => m.reproject),
  },
  seed: {
    usage: 'seed --households N [--seed S] [--units U] [--data-dir D]   synthetic Huế households (+ demo logins once)',
    load: () => import('./cli/seed.ts'),
  },
}

function usage(): string {
  return (
    [
      'usage: npm run cli -- <command> [args]',
      '',
      'commands:',
      ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    ].join('\n') + '\n'
  )
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(usage())
    return name === undefined ? 2 : 0
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (entry === undefined) {
    process.stderr.write(`unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  const command = await entry.load()
  return command.run(args)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  },
)
