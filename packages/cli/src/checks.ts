/**
 * The lines of an explanation, in the order the verifier runs them. Each belongs to a step the verifier
 * reports when it passes (`TracedCheck`); the lines of jose's `jwtVerify` share its step and are told apart
 * by the refusal's reason and the derived values. Each says which refusal reasons it can end in.
 */
import { readScopes, type RefusalReason, type SettledOptions, type VerifierSettings } from '@tokenguard/core'
import type { TracedCheck } from '@tokenguard/core/explain'
import { show, type DecodedToken } from './decode.js'
import { deriveAlgorithm, deriveClaim, deriveClaimsSet, deriveHeader, type Derived, type DeriveInput } from './derive.js'
import type { KeysReport } from './keys.js'
import { formatTime } from './time.js'

/** Everything a line reads. */
export interface LineInput {
  decoded: DecodedToken
  /** The settled options of the issuer that checked the token, once one was chosen. */
  settings: SettledOptions | undefined
  verifierSettings: Readonly<VerifierSettings>
  /** The clock, epoch seconds. */
  now: number
  scopes: readonly string[]
  anyScopes: readonly string[]
  keys: KeysReport
}

/** One line of the explanation. */
export interface LineSpec {
  id: string
  label: string
  /** The verifier step whose passing passes this line. */
  step: TracedCheck
  /** Whose code decides it: the verifier's own, or jose's `jwtVerify` (derived line). */
  by: 'verifier' | 'jose'
  reasons: readonly RefusalReason[]
  /** Whether the line applies to this configuration. */
  applies?: (settings: SettledOptions | undefined) => boolean
  /** The values compared, for display. */
  compared: (input: LineInput) => string
  /** jose's lines: the check as derived from the token's values. */
  derive?: (input: DeriveInput) => Derived | undefined
}

const derived = (derive: (input: DeriveInput) => Derived | undefined) => (input: LineInput) => {
  if (input.settings === undefined) return ''
  return derive({ decoded: input.decoded, settings: input.settings, now: input.now })?.compared ?? 'the claims do not decode'
}

const claimLine = (id: 'required_claims' | 'iss' | 'aud' | 'nbf' | 'exp' | 'iat', label: string, reasons: RefusalReason[], applies?: LineSpec['applies']): LineSpec => {
  const derive = (input: DeriveInput) => deriveClaim(id, input)
  return { id, label, step: 'jwt', by: 'jose', reasons, derive, compared: derived(derive), ...(applies === undefined ? {} : { applies }) }
}

const kid = (input: LineInput) => show(input.decoded.header?.kid)

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

const typeOf = (value: unknown) => (value === undefined ? 'absent' : Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value)

/** Every line, in execution order. */
export const LINES: readonly LineSpec[] = [
  {
    id: 'token_syntax', label: 'token syntax', step: 'token_syntax', by: 'verifier', reasons: ['token_too_large', 'token_malformed'],
    compared: ({ decoded, verifierSettings }) => `${plural(decoded.length, 'character')} (limit ${verifierSettings.maxTokenLength}), ${plural(decoded.segments, 'segment')} (a compact JWS: 3, canonical base64url)`,
  },
  {
    id: 'keys', label: 'keys usable', step: 'keys_usable', by: 'verifier', reasons: ['keys_unavailable', 'keys_misconfigured'],
    compared: ({ keys }) => describeKeys(keys),
  },
  {
    id: 'issuer_precheck', label: 'issuer pre-check', step: 'issuer_precheck', by: 'verifier', reasons: ['issuer_mismatch', 'claim_missing', 'issuer_not_trusted', 'token_malformed'],
    compared: ({ decoded, settings, verifierSettings }) => `token iss ${show(decoded.claims?.iss)}, trusted ${settings === undefined ? show(verifierSettings.issuers) : show(settings.issuer)} (before its kid is looked up)`,
  },
  { id: 'jws_header', label: 'JWS header', step: 'algorithm', by: 'jose', reasons: ['token_malformed', 'token_unsupported'], derive: deriveHeader, compared: derived(deriveHeader) },
  { id: 'algorithm', label: 'algorithm allowed', step: 'algorithm', by: 'jose', reasons: ['algorithm_not_allowed'], derive: deriveAlgorithm, compared: derived(deriveAlgorithm) },
  {
    id: 'key', label: 'key found', step: 'key', by: 'verifier', reasons: ['key_not_found', 'keys_unavailable', 'token_unsupported', 'verification_failed'],
    compared: (input) => `kid ${kid(input)} among ${describeKeys(input.keys)}`,
  },
  {
    id: 'signature', label: 'signature', step: 'jwt', by: 'jose', reasons: ['signature_invalid', 'verification_failed', 'token_unsupported'],
    compared: (input) => `${show(input.decoded.header?.alg)} with the key of kid ${kid(input)}`,
  },
  { id: 'claims_set', label: 'claims set', step: 'jwt', by: 'jose', reasons: ['token_malformed'], derive: deriveClaimsSet, compared: derived(deriveClaimsSet) },
  claimLine('required_claims', 'required claims', ['claim_missing']),
  claimLine('iss', 'iss', ['issuer_mismatch']),
  claimLine('aud', 'aud', ['audience_mismatch'], (settings) => settings === undefined || settings.audienceClaim === 'aud'),
  claimLine('nbf', 'nbf', ['token_not_yet_valid', 'claim_invalid']),
  claimLine('exp', 'exp', ['token_expired', 'claim_invalid']),
  claimLine('iat', 'iat / maxTokenAge', ['token_too_old', 'claim_invalid']),
  {
    id: 'typ', label: 'typ', step: 'typ', by: 'verifier', reasons: ['token_type_not_allowed'],
    compared: ({ decoded, settings }) => `typ ${show(decoded.header?.typ)}; profile ${settings?.profile ?? '?'} accepts ${settings?.profile === 'rfc9068' ? 'at+jwt only' : 'at+jwt, JWT or none'}`,
  },
  {
    id: 'finite_times', label: 'finite times', step: 'finite_times', by: 'verifier', reasons: ['claim_invalid'],
    compared: ({ decoded }) => ['exp', 'nbf', 'iat'].map((name) => `${name} ${typeof decoded.claims?.[name] === 'number' ? formatTime(decoded.claims[name] as number) : show(decoded.claims?.[name])}`).join(', '),
  },
  {
    id: 'profile_claims', label: 'RFC 9068 types', step: 'profile_claims', by: 'verifier', reasons: ['claim_invalid'],
    compared: ({ decoded, settings }) => {
      if (settings?.profile !== 'rfc9068') return 'not checked (profile lenient)'
      return ['sub', 'client_id', 'jti', 'iat', 'aud', 'scope'].map((name) => `${name} ${typeOf(decoded.claims?.[name])}`).join(', ')
    },
  },
  {
    id: 'audience_claim', label: 'audience claim', step: 'audience_claim', by: 'verifier', reasons: ['audience_mismatch'],
    applies: (settings) => settings !== undefined && settings.audienceClaim !== 'aud',
    compared: ({ decoded, settings }) => `${settings?.audienceClaim} ${show(decoded.claims?.[settings?.audienceClaim ?? ''])}, expected one of ${show(settings?.audience)}`,
  },
  {
    id: 'claims_option', label: 'claims option', step: 'claims_option', by: 'verifier', reasons: ['claim_invalid'],
    compared: ({ decoded, settings }) => {
      const checks = settings?.claimChecks ?? []
      if (checks.length === 0) return 'no "claims" option configured'
      return checks.map(([name, check]) => `${name}: token ${show(decoded.claims?.[name])}, expected ${typeof check === 'function' ? 'a predicate to hold' : show(check)}`).join('; ')
    },
  },
  {
    id: 'revocation', label: 'revocation', step: 'revocation', by: 'verifier', reasons: ['token_revoked', 'revocation_check_unavailable'],
    applies: (settings) => settings?.isRevoked !== undefined,
    compared: ({ decoded }) => `the "isRevoked" hook, asked with the claims (jti ${show(decoded.claims?.jti)})`,
  },
  {
    id: 'cnf', label: 'cnf binding', step: 'cnf', by: 'verifier', reasons: ['token_binding_unverified'],
    compared: ({ decoded }) => {
      const cnf = decoded.claims?.cnf
      if (cnf === undefined) return 'no "cnf" claim: a bearer token'
      return `cnf ${show(typeof cnf === 'object' && cnf !== null ? Object.keys(cnf) : cnf)}: sender-constrained, and a bearer request proves no binding`
    },
  },
  {
    id: 'scopes', label: 'scopes', step: 'scopes', by: 'verifier', reasons: ['insufficient_scope'],
    compared: ({ decoded, settings, scopes, anyScopes }) => {
      const needed = [scopes.length > 0 ? `all of ${scopes.join(' ')}` : '', anyScopes.length > 0 ? `one of ${anyScopes.join(', ')}` : ''].filter((part) => part !== '')
      const claims = settings?.scopeClaims ?? ['scope']
      const granted = decoded.claims === undefined ? [] : [...readScopes(decoded.claims, claims)]
      return `needs ${needed.length === 0 ? 'none' : needed.join('; ')}; granted ${granted.length === 0 ? 'none' : granted.join(' ')} (from ${claims.join(', ')})`
    },
  },
]

/** The order of the verifier's steps; the first one that did not pass is where a refusal happened. */
export const STEP_ORDER: readonly TracedCheck[] = ['token_syntax', 'keys_usable', 'issuer_precheck', 'algorithm', 'key', 'jwt', 'typ', 'finite_times', 'profile_claims', 'audience_claim', 'claims_option', 'revocation', 'cnf', 'scopes', 'route_claims']

/** The key source in a few words; `withFailure` adds why the last fetch failed. */
export function describeKeys(keys: KeysReport, withFailure = false): string {
  const count = keys.keyCount === undefined ? '' : `${keys.keyCount} key${keys.keyCount === 1 ? '' : 's'}`
  if (keys.source === 'file') return `the JWKS file ${keys.from} (${count})`
  const where = keys.jwksUri === undefined ? `the keys of ${keys.from}` : `the key set at ${keys.jwksUri}`
  const notes = [
    count,
    keys.source === 'discovery' && keys.jwksUri !== undefined ? `discovered from ${keys.from}` : keys.source === 'discovery' ? 'by discovery' : '',
    keys.fetched ? '' : 'not fetched',
    keys.failure === undefined ? '' : withFailure ? `fetch failed: ${keys.failure}` : 'fetch failed',
  ].filter((note) => note !== '')
  return notes.length === 0 ? where : `${where} (${notes.join('; ')})`
}
