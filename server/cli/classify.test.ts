// Runs the real `classify` command (tsx server/cli.ts) on the example households: JSON on stdout, problems on stderr.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const EXAMPLES = join(ROOT, 'shared', 'household', 'examples')
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx')
const tmp = mkdtempSync(join(tmpdir(), 'rasoat-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function cli(...args: string[]) {
  const r = spawnSync(TSX, ['server/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
const example = (name: string) => join(EXAMPLES, `${name}.json`)
const readExample = (name: string): Record<string, unknown> => JSON.parse(readFileSync(example(name), 'utf8'))
function tempFile(name: string, content: unknown): string {
  const path = join(tmp, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('cli classify', () => {
  it.each([
    ['poor-rural', 'poor', 'CL1'],
    ['near-poor-urban', 'near_poor', 'CL2'],
    ['average-farming', 'average', 'CL3'],
    ['incomplete', 'incomplete', 'CL5'],
    ['b1-score-rural', 'poor', 'CL1'],
    ['nd351-2027-urban', 'poor', 'CL1'],
    ['nd351-2027-waste-missing', 'near_poor', 'CL2'],
    ['both-incomes-urban', 'near_poor', 'CL2'],
  ])('%s → %s (%s), pretty JSON on stdout, nothing on stderr', (name, category, rule) => {
    const r = cli('classify', example(name))
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    const result = JSON.parse(r.stdout)
    expect(result).toMatchObject({ category, decidedBy: rule })
    expect(r.stdout).toBe(JSON.stringify(result, null, 2) + '\n')
  })

  it('the JSON keeps the standard id and adds its name', () => {
    const r = JSON.parse(cli('classify', example('poor-rural')).stdout)
    expect(r).toMatchObject({
      standard: 'ND07_2022_2025',
      standardName: { vi: 'Nghị định 07/2021/NĐ-CP, giai đoạn 2022–2025', en: 'Decree 07/2021/ND-CP, 2022–2025' },
    })
  })

  it('ND351 counts "no internet" once (I11) and lists the 12 indicators’ deprivations without I12/I13', () => {
    const r = JSON.parse(cli('classify', example('nd351-2027-urban')).stdout)
    expect(r).toMatchObject({ standard: 'ND351_2027_2030', deprivations: ['I01', 'I11', 'I14'], deprivationCount: 3 })
  })

  it('MS1 a missing waste answer is missing, not a deprivation, and is listed as decisive (member-less field)', () => {
    const r = JSON.parse(cli('classify', example('nd351-2027-waste-missing')).stdout)
    expect(r).toMatchObject({
      deprivations: ['I01', 'I11'],
      decisiveMissing: [{ rule: 'I14', field: '$.dwelling.waste' }],
    })
    expect(r.reasons).toContainEqual(expect.objectContaining({ rule: 'I14', kind: 'missing', decisive: true }))
    expect(r.reasons).toContainEqual(expect.objectContaining({ rule: 'MS1' }))
  })

  it('IN3 both incomes are accepted: the per-capita figure decides and the disagreement is a finding', () => {
    const r = cli('classify', example('both-incomes-urban'))
    expect(r.status).toBe(0)
    const result = JSON.parse(r.stdout)
    expect(result).toMatchObject({ incomeEvidence: 'per_capita', incomeAtOrBelowLine: true, b1Cutoff: 175 })
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'income-estimates-disagree',
        perCapitaMonthly: 1_950_000,
        b1Score: 190,
        line: 2_000_000,
        b1Cutoff: 175,
      }),
    ])
  })

  it('an array gives an array of results in the same order', () => {
    const r = cli('classify', example('several'))
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).map((x: { category: string }) => x.category)).toEqual([
      'poor',
      'near_poor',
      'average',
      'incomplete',
    ])
  })

  it('invalid input → exit 2, one line per path on stderr, nothing on stdout', () => {
    const r = cli('classify', example('invalid'))
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    for (const path of [
      '$.id',
      '$.income.b1Score',
      '$.members[0].sex',
      '$.members[1].birthDate',
      '$.dwelling.floorAreaM2',
      '$.dwelling.garden',
    ]) {
      expect(r.stderr).toContain(`\n${path}: `)
    }
  })

  it('an invalid element of an array is reported under its index path', () => {
    const bad = readExample('near-poor-urban') as { members: { sex: string }[] }
    const member = bad.members[0]
    if (member) member.sex = 'F'
    const r = cli(
      'classify',
      tempFile('array.json', [
        readExample('poor-rural'),
        readExample('average-farming'),
        readExample('incomplete'),
        bad,
      ]),
    )
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('$[3].members[0].sex: ')
    expect(r.stdout).toBe('')
  })

  it('personal-ID warnings go to stderr, the result stays pure JSON on stdout', () => {
    const h = readExample('average-farming') as { members: { personalId: string | null }[] }
    const member = h.members[1]
    if (member) member.personalId = '046080123456' // digit 4 "0" = male; the member is female
    const r = cli('classify', tempFile('warn.json', h))
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('warning: $.members[1].personalId')
    expect(r.stderr).toContain('personal-id/sex-mismatch')
    expect(JSON.parse(r.stdout).category).toBe('average')
  })

  it('--standard overrides the period’s standard', () => {
    const r = cli('classify', example('near-poor-urban'), '--standard', 'ND351_2027_2030')
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ standard: 'ND351_2027_2030', line: 2_800_000 })
  })

  it('a period without a standard, a missing file and bad JSON → exit 2 with a message', () => {
    const h = readExample('incomplete')
    h['period'] = '2031'
    const noStandard = cli('classify', tempFile('2031.json', h))
    expect(noStandard.status).toBe(2)
    expect(noStandard.stderr).toContain('$.period: ')
    const missing = cli('classify', join(tmp, 'nope.json'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('cannot read')
    const badJson = cli('classify', tempFile('bad.json', '{"format": '))
    expect(badJson.status).toBe(2)
    expect(badJson.stderr).toContain('invalid JSON')
  })

  it('unknown command or missing file argument → usage on stderr, exit 2', () => {
    const unknown = cli('frobnicate')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"[\s\S]*usage:/)
    expect(unknown.stdout).toBe('')
    const noFile = cli('classify')
    expect(noFile.status).toBe(2)
    expect(noFile.stderr).toContain('usage:')
  })

  it('`npm run --silent cli -- classify FILE` prints pure JSON', () => {
    const r = spawnSync('npm', ['run', '--silent', 'cli', '--', 'classify', example('poor-rural')], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).category).toBe('poor')
  })

  it('the dispatcher loads command modules lazily (no static imports of server code)', () => {
    const source = readFileSync(join(ROOT, 'server', 'cli.ts'), 'utf8')
    expect(source).not.toMatch(/^import\s(?!type)/m)
    expect(source).toMatch(/import\('\.\/cli\/classify\.ts'\)/)
  })
})
