// The Node flags the relay runs with, wherever it is started for real use (`npm start`, the benchmarks). Checked by
// node-flags.test.ts.
//
// --v8-pool-size=0: V8's helper threads, which do the concurrent and parallel work of garbage collection, are as many
// as the cores the process may use, less one, instead of Node's fixed four. On a relay with one or two cores, four
// helpers marking the old generation take turns with the event loop on its core: a mark-compact of a 110 MB heap
// (2,400 resident households) then left the event loop a fifth of the core for about 100 ms, and every ACK waiting in
// that time was late. W1 at 3,200 edits/s on one core: p99 62–90 ms with four helpers, 22–32 ms with one, for the same
// CPU per edit (docs/server.md "Garbage-collection helpers").
export const RELAY_NODE_FLAGS = ['--v8-pool-size=0']

// The relay's command line after `node`: its flags, tsx's loader inside this one process, and the entry. Not the tsx
// CLI: that runs the script as a child and relays a SIGTERM to it, then SIGKILLs the child unless it reported the
// signal within 30 ms; a loaded relay missed that, and a clean stop (flush, close the sockets, close the file) became
// a kill with exit code 143. Checked by main.test.ts.
export const RELAY_NODE_ARGS = [...RELAY_NODE_FLAGS, '--import', 'tsx', 'server/main.ts']
