/**
 * The report for people: a headline with the verdict and the fix, what the token says (decoded, untrusted,
 * bounded; no signature), what it was checked against, then one line per check.
 */
import { describeKeys } from './checks.js'
import { show } from './decode.js'
import type { ExplainReport } from './explain-command.js'
import type { CheckLine } from './report.js'
import { formatTime } from './time.js'

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time'])

/** The report as text, ending with a newline. */
export function formatText(report: ExplainReport): string {
  return [...headline(report), '', ...tokenSection(report), '', ...againstSection(report), '', 'checks', ...report.checks.flatMap(checkLine), ...disagreements(report), ''].join('\n')
}

function headline({ verdict, refusal }: ExplainReport): string[] {
  if (verdict === 'accepted' || refusal === null) return ['tokenguard explain: ACCEPTED']
  const what = `${refusal.status} ${refusal.code} (${refusal.reason})`
  const keys = refusal.reason === 'keys_misconfigured' ? 'KEYS MISCONFIGURED' : 'KEYS UNAVAILABLE'
  const title = verdict === 'unavailable' ? `${keys}: ${what}; the token itself was not judged` : `REFUSED: ${what}`
  return [`tokenguard explain: ${title}`, ...(refusal.detail === undefined ? [] : [`  ${refusal.detail}`]), `  fix: ${refusal.hint}`]
}

function tokenSection({ token, against }: ExplainReport): string[] {
  const lines = [`token (decoded without verification: nothing below is trusted; the signature is never shown)`, `  ${pad('length')}${token.length} characters, ${token.segments} segment${token.segments === 1 ? '' : 's'}${token.strippedBearerPrefix ? ' (a "Bearer " prefix was taken off)' : ''}`]
  lines.push(`  ${pad('header')}${token.header === null ? 'does not decode' : show(token.header)}`)
  if (token.claims === null) return [...lines, `  ${pad('claims')}do not decode`]
  for (const [name, value] of Object.entries(token.claims as Record<string, unknown>)) {
    lines.push(`  ${pad(name)}${TIME_CLAIMS.has(name) && typeof value === 'number' ? formatTime(value, against.atEpoch) : show(value)}`)
  }
  return lines
}

function againstSection({ against }: ExplainReport): string[] {
  const rows: Array<[string, string | undefined]> = [
    ['issuer', typeof against.issuer === 'string' ? against.issuer : against.issuer.join(', ')],
    ['audience', against.audience.join(', ')],
    ['algorithms', against.algorithms.join(', ')],
    ['profile', against.profile],
    ['keys', describeKeys(against.keys, true)],
    ['clock', `${against.at.replace(/\.\d{3}Z$/, 'Z')} (${against.clock === 'now' ? 'now' : 'set by --at'})${against.clockTolerance === undefined ? '' : `, tolerance ${against.clockTolerance}s`}`],
    ['maxTokenAge', against.maxTokenAge === undefined ? undefined : `${against.maxTokenAge}s`],
  ]
  return ['checked against', ...rows.filter(([, value]) => value !== undefined).map(([name, value]) => `  ${pad(name)}${value}`)]
}

const STATUS = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const

function checkLine(line: CheckLine): string[] {
  const out = [`  ${STATUS[line.status]}  ${line.label.padEnd(18)} ${line.compared}`.trimEnd()]
  const indent = ' '.repeat(27) // under the compared values
  if (line.status === 'fail') {
    if (line.detail !== undefined) out.push(`${indent}verify(): ${line.reason} — ${line.detail}`)
    else out.push(`${indent}verify(): ${line.reason}`)
    if (line.hint !== undefined) out.push(`${indent}fix: ${line.hint}`)
  }
  if (line.note !== undefined && (line.disagrees === true || line.note !== 'not reached')) out.push(`${indent}${line.disagrees === true ? 'DISAGREES: ' : ''}${line.note}`)
  return out
}

function disagreements({ disagreements }: ExplainReport): string[] {
  if (disagreements.length === 0) return []
  return ['', `${disagreements.length} derived line(s) disagree with verify(); its verdict stands (please report this):`, ...disagreements.map((text) => `  ${text}`)]
}

function pad(name: string): string {
  return `${name} `.padEnd(13)
}
