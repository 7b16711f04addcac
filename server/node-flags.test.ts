// The flags the relay is launched with (npm start, the benchmarks) size V8's helper pool as server/node-flags.mjs says:
// the cores this process may use, less one (at least one), instead of Node's fixed four.
import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { expect, test } from 'vitest'
import { RELAY_NODE_FLAGS } from './node-flags.mjs'

/** Threads of a Node process started with `flags`, counted once it runs its script (V8's pool starts before). */
function threads(flags: readonly string[]): number {
  const count = "console.log(require('node:fs').readdirSync('/proc/self/task').length)"
  return Number(execFileSync(process.execPath, [...flags, '-e', count], { encoding: 'utf8' }).trim())
}

test("the relay's flags give V8 one helper thread per core the process may use, less one", () => {
  const helpers = Math.max(1, availableParallelism() - 1)
  expect(threads(RELAY_NODE_FLAGS) - threads([])).toBe(helpers - 4)
})
