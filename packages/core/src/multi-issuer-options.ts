/**
 * The options of a verifier that trusts several issuers: the list or resolver, and what one issuer's entry
 * may say. Their own module, so that the selection and the resolution can both name them.
 */
import type { VerifierOptions } from './options.js'
import type { RequestView } from './request.js'

/** One trusted issuer: its own options, which may add checks to the top-level ones but never loosen them. */
export type IssuerEntry = Omit<VerifierOptions, 'audience'> & { audience?: VerifierOptions['audience'] }

/**
 * Decides, from an untrusted `iss`, whether that issuer is trusted and with which options; `undefined`
 * refuses it (401 `issuer_not_trusted`; the refusal is remembered for a minute). A trusted answer is kept (at most
 * `maxIssuers`, least recently used dropped), so it is asked once per trusted issuer; concurrent requests
 * share one call. It may be async; a call that throws or takes longer than `timeoutDuration` is answered
 * 503 (`keys_unavailable`). The returned options' `issuer` must equal the `iss` it was asked about.
 *
 * `request` is the request whose token made it ask (its headers, URL, route…; `undefined` when asked by
 * `verify()`), e.g. to look the tenant up where the request says, or to log who asked. The answer is about
 * the issuer, though, not the request: it is kept (or the refusal remembered) for every later request and
 * every later token of that issuer. A rule that differs per request — this host only accepts tenant A's
 * tokens — belongs after authentication (a guard, or a route requirement), where every request is checked.
 */
export type IssuerResolver = (issuer: string, request: RequestView | undefined) => IssuerEntry | undefined | Promise<IssuerEntry | undefined>

/** Options of a verifier that trusts several issuers. */
export interface MultiIssuerOptions
  extends Partial<Omit<VerifierOptions, 'issuer' | 'jwksUri' | 'discoveryUrl' | 'jwks' | 'publicKey' | 'secret' | 'keySnapshot' | 'introspection' | 'tokenFormat'>> {
  issuer?: never
  jwksUri?: never
  discoveryUrl?: never
  jwks?: never
  publicKey?: never
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
  /**
   * With a resolver: most trusted issuers kept, each with its discovery result and key set (least recently
   * used are dropped). At most 100000. Default is 100.
   */
  maxIssuers?: number | undefined
  /**
   * With a resolver: key sets remembered for issuers dropped from the `maxIssuers` kept, so that one coming
   * back needs no key fetch (its unknown-`kid` cooldown carries over). At most 1000000. Default is the
   * larger of 1000 and 10 × `maxIssuers`.
   */
  keySetCacheSize?: number | undefined
  /**
   * With a resolver: discovery results (`jwks_uri`) remembered for issuers dropped from the `maxIssuers`
   * kept, used while younger than `discoveryCacheMaxAge`. At most 1000000. Default is the larger of 1000
   * and 10 × `maxIssuers`.
   */
  discoveryCacheSize?: number | undefined
}

