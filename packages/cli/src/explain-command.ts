/**
 * `tokenguard explain`: build a real verifier from the arguments, run `verify()`'s own code on the token
 * through `explainToken` (which reports each step and takes `--at` as its clock), and turn the outcome into
 * a report. The verdict, and so the exit code, is `verify()`'s: 0 accepted, 1 refused, 2 keys unavailable.
 */
import { createVerifier, isConfigurationError, type RefusalReason, type SettledOptions, type Verifier, type VerifierOptions, type VerifierSettings } from '@tokenguard/core'
import { explainToken, type Explanation, type TracedCheck } from '@tokenguard/core/explain'
import type { ExplainArgs } from './args.js'
import { bounded, decodeUnverified, type DecodedToken } from './decode.js'
import { hintFor } from './hints.js'
import { setUpKeys, type KeySetup, type KeysReport } from './keys.js'
import { checkLines, type CheckLine } from './report.js'
import { readToken } from './token-input.js'

/** A configuration the verifier refused (a `TypeError` from `createVerifier` or the requirement): exit 2. */
export class ConfigurationProblem extends Error {
  override readonly name = 'ConfigurationProblem'
}

/** Everything `tokenguard explain` found out; `--json` prints it as is. */
export interface ExplainReport {
  verdict: 'accepted' | 'refused' | 'unavailable'
  exitCode: 0 | 1 | 2
  /** `verify()`'s refusal, with the fix; `null` when accepted. */
  refusal: { status: number; code: string; reason: RefusalReason; detail: string | undefined; hint: string } | null
  /** The token as decoded without verification: bounded values, never the signature. */
  token: { length: number; segments: number; strippedBearerPrefix: boolean; header: unknown; claims: unknown }
  against: {
    issuer: string | readonly string[]
    audience: readonly string[]
    algorithms: readonly string[]
    profile?: string | undefined
    clockTolerance?: number | undefined
    maxTokenAge?: number | undefined
    requiredClaims?: readonly string[] | undefined
    scopeClaims?: readonly string[] | undefined
    scopes: readonly string[]
    anyScopes: readonly string[]
    keys: KeysReport
    /** The clock of the time checks, ISO 8601 and epoch seconds; `clock` says whether `--at` set it. */
    at: string
    atEpoch: number
    clock: 'now' | '--at'
  }
  /** One line per check, in the order the verifier runs them. */
  checks: CheckLine[]
  /** The steps `verify()` reported as passed, as it reported them. */
  steps: TracedCheck[]
  /** Lines derived from the token's values that disagree with `verify()`. Empty when all agree. */
  disagreements: string[]
}

/** Runs the explanation. Usage and configuration mistakes throw (`UsageError`, {@link ConfigurationProblem}). */
export async function explain(args: ExplainArgs, stdin: AsyncIterable<Uint8Array | string>): Promise<ExplainReport> {
  const input = await readToken(args.token, stdin)
  const keys = await setUpKeys(args.keys, args.issuer)
  const verifier = configured(() => createVerifier(verifierOptions(args, keys)))
  const requirement = configured(() => verifier.requirement({ ...(args.scopes.length > 0 ? { scopes: args.scopes } : {}), ...(args.anyScopes.length > 0 ? { anyScopes: args.anyScopes } : {}) }))
  const explanation = await explainToken(verifier, input.token, requirement, { at: args.at })
  const decoded = decodeUnverified(input.token)
  const now = Math.floor(explanation.at.getTime() / 1000)
  const lineInput = { decoded, settings: explanation.settings, verifierSettings: verifier.settings, now, scopes: args.scopes, anyScopes: args.anyScopes, keys: keys.report() }
  const checks = checkLines(explanation, lineInput)
  return {
    ...verdictOf(explanation),
    token: tokenSummary(decoded, input.strippedBearer),
    against: against(args, explanation, verifier, lineInput.keys),
    checks,
    steps: explanation.passed,
    disagreements: checks.filter((line) => line.disagrees === true).map((line) => `${line.label}: ${line.note}`),
  }
}

function verifierOptions(args: ExplainArgs, keys: KeySetup): VerifierOptions {
  return {
    issuer: args.issuer,
    audience: args.audience,
    ...(args.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    ...keys.options,
    onEvent: keys.onEvent,
    tokenCache: false,
    ...(args.algorithms === undefined ? {} : { algorithms: args.algorithms }),
    ...(args.profile === undefined ? {} : { profile: args.profile }),
    ...(args.scopeClaims === undefined ? {} : { scopeClaims: args.scopeClaims }),
    ...(args.audienceClaim === undefined ? {} : { audienceClaim: args.audienceClaim }),
    ...(Object.keys(args.claims).length === 0 ? {} : { claims: args.claims }),
  }
}

// Core names its options; on the command line they are flags.
const FLAG_OF: Readonly<Record<string, string>> = {
  issuer: '--issuer', audience: '--audience', jwksUri: '--jwks-uri', jwks: '--jwks', algorithms: '--algorithms', profile: '--profile',
  scopeClaims: '--scope-claims', audienceClaim: '--audience-claim', claims: '--claim', allowInsecureHttp: '--allow-insecure-http',
}

function configured<T>(build: () => T): T {
  try {
    return build()
  } catch (error) {
    if (!(error instanceof TypeError)) throw error
    const message = error.message.replace(/^tokenguard: /, '')
    const flag = isConfigurationError(error) ? FLAG_OF[error.option.split(/[.[]/)[0]!] : undefined
    const insecure = /allowInsecureHttp/.test(message) && flag !== '--allow-insecure-http' ? ' (on the command line: --allow-insecure-http)' : ''
    throw new ConfigurationProblem(`${message}${flag === undefined ? '' : ` [${flag}]`}${insecure}`)
  }
}

function verdictOf({ outcome }: Explanation): Pick<ExplainReport, 'verdict' | 'exitCode' | 'refusal'> {
  if (outcome.accepted) return { verdict: 'accepted', exitCode: 0, refusal: null }
  const { error } = outcome
  const refusal = { status: error.status, code: error.code, reason: error.reason, detail: error.detail, hint: hintFor(error.reason) }
  // An outage is not a verdict on the token: like a 503 to a client, it asks for a retry (exit 2).
  return error.status === 503 ? { verdict: 'unavailable', exitCode: 2, refusal } : { verdict: 'refused', exitCode: 1, refusal }
}

function tokenSummary(decoded: DecodedToken, strippedBearerPrefix: boolean): ExplainReport['token'] {
  return { length: decoded.length, segments: decoded.segments, strippedBearerPrefix, header: bounded(decoded.header ?? null), claims: bounded(decoded.claims ?? null) }
}

function against(args: ExplainArgs, explanation: Explanation, verifier: Verifier, keys: KeysReport): ExplainReport['against'] {
  const settings: SettledOptions | undefined = explanation.settings
  const known: Readonly<VerifierSettings> = verifier.settings
  return {
    issuer: settings?.issuer ?? (known.issuers.length === 1 ? known.issuers[0]! : known.issuers),
    audience: settings?.audience ?? known.audience,
    algorithms: settings?.algorithms ?? known.algorithms,
    profile: settings?.profile,
    clockTolerance: settings?.clockTolerance,
    maxTokenAge: settings?.maxTokenAge,
    requiredClaims: settings?.requiredClaims,
    scopeClaims: settings?.scopeClaims,
    scopes: args.scopes,
    anyScopes: args.anyScopes,
    keys,
    at: explanation.at.toISOString(),
    atEpoch: Math.floor(explanation.at.getTime() / 1000),
    clock: args.at === undefined ? 'now' : '--at',
  }
}
