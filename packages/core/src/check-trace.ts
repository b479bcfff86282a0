/**
 * What one explained verification reports as it runs (`explainToken`, the `tokenguard explain` CLI). A
 * trace is an explicit argument of that one run, never module state: concurrent verifications cannot see
 * each other's traces, and a verification without one pays for a `undefined` check per step, nothing more.
 */
/**
 * A step of the verifier's own code that passed, in the order the steps run. jose's `jwtVerify` is one
 * step (`jwt`: signature, then required claims, `iss`, `aud`, `iat`, `nbf`, `exp`, `maxTokenAge`); around
 * it, the verifier reports that jose accepted the `alg` (`algorithm`: it asked for a key, which jose does
 * only after the allowlist check) and that the key source answered (`key`).
 */
export type TracedCheck =
  | 'token_syntax'
  | 'keys_usable'
  | 'issuer_precheck'
  | 'algorithm'
  | 'key'
  | 'jwt'
  | 'typ'
  | 'finite_times'
  | 'profile_claims'
  | 'audience_claim'
  | 'claims_option'
  | 'revocation'
  | 'cnf'
  | 'scopes'
  | 'route_claims'

/**
 * Receives the steps of one explained verification. `TSettings` is the issuer's settled options (typed by
 * the explainer; this module names no option type, so that requirements can report here without a cycle).
 */
export interface CheckTrace<TSettings = unknown> {
  /** The settled options of the issuer that checks the token, once one is chosen. */
  issuer(settings: TSettings): void
  /** `check` passed. */
  passed(check: TracedCheck): void
}

/** One explained verification: where its steps go, and the clock its time checks use. */
export interface CheckRun {
  readonly trace: CheckTrace
  /** The time `exp`, `nbf`, `iat` and `maxTokenAge` are checked at (jose's `currentDate`). */
  readonly at: Date
}

/** Epoch seconds of a run's clock, or of the wall clock without a run. */
export function runSeconds(run: CheckRun | undefined): number {
  return Math.floor((run === undefined ? Date.now() : run.at.getTime()) / 1000)
}
