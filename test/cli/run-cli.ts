/**
 * Runs the built `tokenguard` CLI as a subprocess, as a user would (`node packages/cli/dist/bin.js …`), and
 * checks on every run that neither the token nor its signature appears in anything it printed.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `tokenguard <args>`; `stdin` is written and closed (an empty string still closes it). */
export async function runCli(args: readonly string[], options: { stdin?: string; token?: string } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.end(options.stdin ?? '')
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  const secret = options.token ?? tokenIn(args)
  if (secret !== undefined) assertNothingLeaks({ code, stdout, stderr }, secret)
  return { code, stdout, stderr }
}

/** Runs `tokenguard explain <token> <args> --json` and parses the report. */
export async function explainJson(token: string, args: readonly string[], options: { stdin?: string } = {}): Promise<{ run: CliRun; report: Report }> {
  const run = await runCli(['explain', ...(options.stdin === undefined ? [token] : ['-']), ...args, '--json'], { ...options, token })
  return { run, report: JSON.parse(run.stdout) as Report }
}

/** The report's shape as the tests read it. */
export interface Report {
  verdict: string
  exitCode: number
  refusal: { status: number; code: string; reason: string; detail?: string; hint: string } | null
  token: { length: number; segments: number; strippedBearerPrefix: boolean; header: Record<string, unknown> | null; claims: Record<string, unknown> | null }
  against: { issuer: string; audience: string[]; algorithms: string[]; keys: { source: string; from: string; jwksUri?: string; keyCount?: number; fetched: boolean; failure?: string }; at: string; atEpoch: number; clock: string }
  checks: Array<{ id: string; label: string; status: 'pass' | 'fail' | 'skip'; by: string; compared: string; reason?: string; detail?: string; hint?: string; note?: string; disagrees?: boolean }>
  steps: string[]
  disagreements: string[]
}

/** The one failing line of a refused report (and that there is exactly one). */
export function failingLine(report: Report): Report['checks'][number] {
  const failing = report.checks.filter((line) => line.status === 'fail')
  assert.equal(failing.length, 1, `one failing line, got ${failing.map((line) => line.id).join(', ') || 'none'}`)
  return failing[0]!
}

function tokenIn(args: readonly string[]): string | undefined {
  return args.find((arg) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(arg) && arg.length > 40)
}

function assertNothingLeaks(run: CliRun, token: string): void {
  const signature = token.split('.')[2] ?? ''
  for (const [name, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    assert.ok(!text.includes(token), `${name} contains the whole token`)
    // A signature shorter than this could occur by chance in other output; the tests' tokens are far longer.
    if (signature.length >= 16) assert.ok(!text.includes(signature), `${name} contains the token's signature`)
  }
}
