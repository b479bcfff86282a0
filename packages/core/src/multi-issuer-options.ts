/**
 * The options of a verifier that trusts several issuers: the list or resolver, and what one issuer's entry
 * may say. Their own module, so that the selection and the resolution can both name them.
 */
import type { VerifierOptions } from './options.js'

/** One trusted issuer: its own options, which may add checks to the top-level ones but never loosen them. */
export type IssuerEntry = Omit<VerifierOptions, 'audience'> & { audience?: VerifierOptions['audience'] }

/**
 * Decides, from an untrusted `iss`, whether that issuer is trusted and with which options; `undefined`
 * refuses it (401 `issuer_not_trusted`; the refusal is remembered for a minute). A trusted answer is kept (at most
 * `maxIssuers`, least recently used dropped), so it is asked once per trusted issuer; concurrent requests
 * share one call. It may be async; a call that throws or takes longer than `timeoutDuration` is answered
 * 503 (`keys_unavailable`). The returned options' `issuer` must equal the `iss` it was asked about.
 */
export type IssuerResolver = (issuer: string) => IssuerEntry | undefined | Promise<IssuerEntry | undefined>

/** Options of a verifier that trusts several issuers. */
export interface MultiIssuerOptions extends Partial<Omit<VerifierOptions, 'issuer' | 'jwksUri' | 'jwks' | 'secret' | 'keySnapshot' | 'introspection' | 'tokenFormat'>> {
  issuer?: never
  jwksUri?: never
  jwks?: never
  secret?: never
  keySnapshot?: never
  /** Introspection credentials belong to one authorization server: give them in that issuer's entry. */
  introspection?: never
  /** Per issuer entry: an opaque token names no issuer, so at most one listed entry may introspect opaque tokens. */
  tokenFormat?: never
  /**
   * The trusted issuers: a list (each entry may add checks to the top-level options, never loosen them), or
   * a resolver for open-ended sets such as multi-tenant providers (e.g. Entra ID `…/{tenantid}/v2.0` with a
   * tenant allowlist). An opaque token names no issuer: it goes to the one listed entry that has
   * `introspection` (two such entries are refused at startup); a resolver is never asked about one.
   */
  issuers: readonly IssuerEntry[] | IssuerResolver
  /** With a resolver: most issuers kept (least recently used are dropped). Default is 100. */
  maxIssuers?: number | undefined
}

