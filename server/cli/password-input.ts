// Reads a password for the CLI without putting it on the command line (where `ps` and shell history see it):
// the first line of standard input when it is piped, otherwise a prompt on the terminal that does not echo.

/** The first line of piped input, without its line ending. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    if (text.includes('\n')) break
  }
  return text.split(/\r?\n/)[0] ?? ''
}

/** One hidden line typed on the terminal; Ctrl-C gives null. */
function hiddenLine(prompt: string): Promise<string | null> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  return new Promise((done) => {
    let typed = ''
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0003') {
          stdin.off('data', onData)
          stdin.setRawMode(false)
          stdin.pause()
          process.stderr.write('\n')
          return done(ch === '\u0003' ? null : typed)
        }
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
        else typed += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** The password, or an error message to print. A terminal is asked twice, so a typo does not lock anyone out. */
export async function readPassword(label = 'Password'): Promise<{ password: string } | { error: string }> {
  if (!process.stdin.isTTY) {
    const password = await firstLine(process.stdin)
    return password ? { password } : { error: 'password: none given (pass it on standard input or use --password)' }
  }
  const first = await hiddenLine(`${label}: `)
  if (first === null) return { error: 'cancelled' }
  const again = await hiddenLine(`${label} again: `)
  if (again === null) return { error: 'cancelled' }
  return first === again ? { password: first } : { error: 'password: the two entries differ' }
}
