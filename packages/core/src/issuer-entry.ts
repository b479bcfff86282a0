/**
 * How an issuer entry and the top-level options of a multi-issuer verifier combine: an entry may add checks,
 * never loosen one. Claims combine, the stricter profile wins, the smaller age and tolerance win, algorithm
 * lists intersect, required claims add up, and an explicit `undefined` unsets nothing. A combination that
 * cannot be read one way only is refused at startup.
 */
import { proofAgeMs, TOP_LEVEL_ONLY, type BindingMode, type DPoPOptions, type MtlsOptions } from './binding-options.js'
import type { ClaimCheck } from './claims.js'
import { parseDuration } from './duration.js'
import { eitherRevoked, settleRevocation } from './revocation.js'
import { DURATION_BOUNDS, type VerifierOptions } from './options.js'

type Options = Partial<VerifierOptions>

/** The options one issuer is checked with: the top level, tightened by its entry. */
export function combineIssuerOptions(defaults: Options, entry: Options): VerifierOptions {
  const combined: Record<string, unknown> = { ...definedOnly(defaults), ...definedOnly(entry) }
  const where = `issuer ${JSON.stringify(entry.issuer)}`
  combined.claims = combineClaims(defaults.claims, entry.claims, where)
  combined.isRevoked = eitherRevoked(settleRevocation(defaults.isRevoked), settleRevocation(entry.isRevoked))
  combined.profile = defaults.profile === 'rfc9068' || entry.profile === 'rfc9068' ? 'rfc9068' : (entry.profile ?? defaults.profile)
  combined.maxTokenAge = smaller('maxTokenAge', defaults.maxTokenAge, entry.maxTokenAge)
  combined.clockTolerance = smaller('clockTolerance', defaults.clockTolerance, entry.clockTolerance)
  combined.requiredClaims = union(defaults.requiredClaims, entry.requiredClaims)
  combined.algorithms = intersect(defaults.algorithms, entry.algorithms, where)
  combined.dpop = combineBinding(defaults.dpop, entry.dpop, 'dpop', where)
  combined.mtls = combineBinding(defaults.mtls, entry.mtls, 'mtls', where)
  return definedOnly(combined) as unknown as VerifierOptions
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>
}

function combineClaims(
  top: Readonly<Record<string, ClaimCheck>> | undefined,
  entry: Readonly<Record<string, ClaimCheck>> | undefined,
  where: string,
): Record<string, ClaimCheck> | undefined {
  if (top === undefined || entry === undefined) return top ?? entry
  for (const name of Object.keys(entry)) {
    if (Object.hasOwn(top, name) && top[name] !== entry[name]) {
      throw new TypeError(`tokenguard: ${where} checks claim "${name}" differently from the top-level "claims"; an entry may add claim checks, not replace them`)
    }
  }
  return { ...top, ...entry }
}

/** The stricter (smaller) of two durations, compared in milliseconds whatever form each was written in. */
function smaller(option: 'maxTokenAge' | 'clockTolerance', a: VerifierOptions[typeof option], b: VerifierOptions[typeof option]): number | undefined {
  if (a === undefined && b === undefined) return undefined
  const [ms1, ms2] = [a, b].map((value) => (value === undefined ? Number.POSITIVE_INFINITY : parseDuration(value, option, DURATION_BOUNDS[option])))
  return Math.min(ms1!, ms2!)
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] | undefined {
  if (a === undefined && b === undefined) return undefined
  return [...new Set([...(a ?? []), ...(b ?? [])])]
}

function intersect(top: readonly string[] | undefined, entry: readonly string[] | undefined, where: string): readonly string[] | undefined {
  if (top === undefined || entry === undefined) return top ?? entry
  const both = entry.filter((alg) => top.includes(alg))
  if (both.length === 0) throw new TypeError(`tokenguard: ${where} allows none of the top-level "algorithms" (${top.join(', ')})`)
  return both
}

type BindingOption = BindingMode | (DPoPOptions & MtlsOptions)

/**
 * An entry may turn a binding `'allowed'` at the top level into `'off'` or `'required'` for its issuer, narrow
 * the DPoP algorithms and shorten the proof window; the replay store, nonces and certificate header serve the
 * whole API and stay at the top level.
 */
function combineBinding(top: BindingOption | undefined, entry: BindingOption | undefined, name: 'dpop' | 'mtls', where: string): BindingOption | undefined {
  if (entry === undefined) return top
  const topObject = typeof top === 'object' && top !== null ? top : { mode: top }
  const entryObject = typeof entry === 'object' && entry !== null ? entry : { mode: entry }
  const misplaced = TOP_LEVEL_ONLY[name].filter((key) => (entryObject as Record<string, unknown>)[key] !== undefined)
  if (misplaced.length > 0) throw new TypeError(`tokenguard: ${where} sets ${misplaced.map((key) => `"${name}.${key}"`).join(', ')}, which serve the whole API: set them at the top level`)
  const topMode = topObject.mode ?? 'allowed'
  const mode = entryObject.mode ?? topMode
  if (mode !== topMode && topMode !== 'allowed') {
    throw new TypeError(`tokenguard: ${where} sets "${name}" to ${JSON.stringify(mode)} where the top level says ${JSON.stringify(topMode)}; an entry may only tighten "allowed" to "off" or "required"`)
  }
  const combined: Record<string, unknown> = { ...definedOnly(topObject), mode }
  if (name === 'dpop') {
    combined.algorithms = intersect(topObject.algorithms, entryObject.algorithms, `${where} ("dpop.algorithms")`)
    const ages = [topObject.maxProofAge, entryObject.maxProofAge].filter((age) => age !== undefined)
    if (ages.length > 0) combined.maxProofAge = Math.min(...ages.map(proofAgeMs))
  }
  return definedOnly(combined) as BindingOption
}
