// A password the admin hands over once: four groups of four characters without look-alikes (no 0/o, 1/l/i), ~80 bits,
// far from any username and from the common-password list, so it always passes the server's policy.

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

export function newPassword(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  const groups: string[] = []
  for (let g = 0; g < 4; g++) {
    let s = ''
    // Rejection sampling keeps every character equally likely (256 is not a multiple of the alphabet's size).
    while (s.length < 4) {
      for (const b of random(8)) {
        if (b < 256 - (256 % ALPHABET.length) && s.length < 4) s += ALPHABET[b % ALPHABET.length]
      }
    }
    groups.push(s)
  }
  return groups.join('-')
}
