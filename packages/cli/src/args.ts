/**
 * The arguments of `tokenguard explain`, read strictly: an unknown flag, a missing value or a value of the
 * wrong shape is a usage error (exit 2) that names the fix, never a check silently off.
 */
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** A mistake on the command line; the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Where the verification keys come from. */
export type KeysArg = { kind: 'discovery' } | { kind: 'jwks_uri'; uri: string } | { kind: 'file'; path: string }

/** A value for the verifier's `claims` option, as given by `--claim name=value`. */
export type ClaimValue = string | number | boolean

/** `tokenguard explain`'s arguments, validated. */
export interface ExplainArgs {
  /** The token itself, or `'-'`: read it from standard input. */
  token: string
  issuer: string
  audience: string[]
  scopes: string[]
  anyScopes: string[]
  keys: KeysArg
  /** When the time checks are evaluated; `undefined` is now. */
  at: Date | undefined
  algorithms: string[] | undefined
  profile: 'lenient' | 'rfc9068' | undefined
  scopeClaims: string[] | undefined
  audienceClaim: string | undefined
  claims: Record<string, ClaimValue>
  json: boolean
  allowInsecureHttp: boolean
}

const OPTIONS = {
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  scopes: { type: 'string', multiple: true },
  'any-scopes': { type: 'string', multiple: true },
  jwks: { type: 'string' },
  'jwks-uri': { type: 'string' },
  at: { type: 'string' },
  algorithms: { type: 'string', multiple: true },
  profile: { type: 'string' },
  'scope-claims': { type: 'string', multiple: true },
  'audience-claim': { type: 'string' },
  claim: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'allow-insecure-http': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Parses `explain`'s arguments; `'help'` when help was asked for. `stdinIsTerminal` decides what no token means. */
export function parseExplainArgs(argv: readonly string[], stdinIsTerminal: boolean): ExplainArgs | 'help' {
  const { values, positionals } = parse(argv)
  if (values.help === true) return 'help'
  if (positionals.length > 1) throw new UsageError(`expected one token, got ${positionals.length} arguments (quote the token, or pass "-" and pipe it in)`)
  const token = positionals[0] ?? (stdinIsTerminal ? undefined : '-')
  if (token === undefined) throw new UsageError('give the token as an argument, or "-" to read it from standard input (safer: it stays out of the shell history)')
  if (values.issuer === undefined) throw new UsageError('--issuer is required (the issuer identifier your API trusts, exactly as tokens carry it in "iss")')
  if (values.audience === undefined) throw new UsageError('--audience is required (your API\'s identifier, as tokens carry it in "aud")')
  return {
    token,
    issuer: values.issuer,
    audience: values.audience,
    scopes: list(values.scopes),
    anyScopes: list(values['any-scopes']),
    keys: keysArg(values.jwks, values['jwks-uri']),
    at: values.at === undefined ? undefined : parseTime(values.at),
    algorithms: optionalList(values.algorithms),
    profile: profileArg(values.profile),
    scopeClaims: optionalList(values['scope-claims']),
    audienceClaim: values['audience-claim'],
    claims: claimsArg(values.claim ?? []),
    json: values.json === true,
    allowInsecureHttp: values['allow-insecure-http'] === true,
  }
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see "tokenguard explain --help")`)
  }
}

/** `--scopes a,b --scopes c` and `--scopes "a b"` are the same list. */
function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(/[\s,]+/)).filter((value) => value !== '')
}

function optionalList(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined ? undefined : list(values)
}

function keysArg(jwks: string | undefined, jwksUri: string | undefined): KeysArg {
  if (jwks !== undefined && jwksUri !== undefined) throw new UsageError('give either --jwks or --jwks-uri, not both')
  if (jwksUri !== undefined) return { kind: 'jwks_uri', uri: jwksUri }
  if (jwks === undefined) return { kind: 'discovery' }
  // A URL is fetched by the verifier's own key source, exactly as --jwks-uri; anything else is a file.
  return /^https?:\/\//i.test(jwks) ? { kind: 'jwks_uri', uri: jwks } : { kind: 'file', path: jwks.startsWith('file:') ? fileURLToPath(jwks) : jwks }
}

/** `--at` as ISO 8601 (`2026-12-01T10:00:00Z`) or epoch seconds (`1795000000`). */
export function parseTime(value: string): Date {
  const at = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined
  if (at === undefined || Number.isNaN(at.getTime())) throw new UsageError(`--at ${JSON.stringify(value)} is not a time: give ISO 8601 (2026-12-01T10:00:00Z) or epoch seconds`)
  return at
}

function profileArg(value: string | undefined): 'lenient' | 'rfc9068' | undefined {
  if (value === undefined || value === 'lenient' || value === 'rfc9068') return value
  throw new UsageError(`--profile must be "rfc9068" or "lenient", not ${JSON.stringify(value)}`)
}

/** `--claim name=value`: the value is JSON when it parses as a number, boolean or string, else the text itself. */
function claimsArg(values: readonly string[]): Record<string, ClaimValue> {
  const claims: Record<string, ClaimValue> = {}
  for (const entry of values) {
    const split = entry.indexOf('=')
    if (split <= 0) throw new UsageError(`--claim ${JSON.stringify(entry)} must be name=value (e.g. --claim token_use=access)`)
    const name = entry.slice(0, split)
    if (Object.hasOwn(claims, name)) throw new UsageError(`--claim ${name} is given twice`)
    claims[name] = claimValue(entry.slice(split + 1))
  }
  return claims
}

function claimValue(text: string): ClaimValue {
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'string' || typeof parsed === 'number' || typeof parsed === 'boolean') return parsed
  } catch {
    // not JSON: the text is the value
  }
  return text
}
