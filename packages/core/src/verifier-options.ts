/**
 * What the verifier can be told, and what it tells in return: the option types with their documentation
 * (unit, default, bounds), and the list of keys that is checked against them. Validation is `options.ts`.
 */
import type { JSONWebKeySet, JWK } from 'jose'
import type { BindingMode, BindingSettings, DPoPOptions, MtlsOptions } from './binding-options.js'
import type { ClaimCheck } from './claims.js'
import type { RevocationCheck } from './revocation.js'
import type { ChallengeContext, ChallengeSettings } from './challenge.js'
import type { Duration } from './duration.js'
import type { KeySourceEventListener } from './events.js'
import type { ExtractOptions, ExtractSettings } from './extract.js'
import type { FetchFunction } from './fetch-json.js'
import type { IntrospectionOptions } from './introspection-options.js'
import type { AuditSink, TelemetryOptions } from './observability/option-types.js'
import type { RequestUrlOptions, RequestUrlSettings } from './request-url.js'
import type { ScopeClaim } from './scopes.js'
import type { TokenCacheOptions } from './token-cache.js'
import type { TokenFormat } from './token-format.js'

/**
 * Options of `createVerifier()`. Every duration is a `Duration`: a number of milliseconds, or a
 * string with its unit (`'5s'`, `'10m'`); each has bounds, checked at startup. Unknown keys are refused.
 */
export interface VerifierOptions extends ExtractOptions, ChallengeContext, RequestUrlOptions {
  /**
   * The authorization server's issuer identifier. Tokens' `iss` must equal it exactly, and, unless
   * `jwksUri`, `jwks` or `secret` is given, its metadata is discovered from it (OpenID Connect Discovery,
   * then RFC 8414); the metadata's `issuer` must equal it exactly too. An `https` URL without userinfo,
   * query or fragment (RFC 8414 §2); with `jwks` or `secret`, any other string (not an `http` URL) is
   * accepted too. Required; no default.
   */
  issuer: string
  /**
   * This API's identifier(s). The token's `aud` must contain at least one of them (RFC 9068 §4,
   * RFC 8707). Required; no default.
   */
  audience: string | readonly string[]
  /**
   * The claim checked against `audience`. Default is `'aud'` (RFC 9068 §4). Some providers put the
   * intended recipient elsewhere — Amazon Cognito access tokens carry no `aud`, only `client_id` — and then
   * the named claim must equal (or, as an array, contain) one of `audience`; it becomes required, and `aud`
   * is not checked. A mismatch is `audience_mismatch`.
   */
  audienceClaim?: 'aud' | 'client_id' | (string & {}) | undefined
  /**
   * Claims every token must satisfy, checked after the signature: an expected value (for array claims, a
   * member), `includes(...words)` (words of a space-delimited string claim, or array members), or a
   * predicate `(value, claims) => boolean`. A predicate may answer with a promise (a decision that needs one
   * is a promise, also for a cached token); a rejection is 503 `claim_check_unavailable`. A failure is 401
   * `invalid_token` with reason `claim_invalid`. E.g. Cognito's `{ token_use: 'access' }`. Default is none.
   */
  claims?: Readonly<Record<string, ClaimCheck>> | undefined
  /**
   * Revocation hook: `(claims) => boolean`, or a promise of one, asked with the verified claims after
   * verification and on every cache hit (key it on `jti`: the token string of an ES* token has two
   * spellings). `true` refuses the token: 401 `invalid_token`, reason `token_revoked`. A throw, a rejection or
   * an answer other than `true`/`false` is 503 `revocation_check_unavailable` (the token may be fine). Given
   * at the top level and in an issuer entry, both are asked. Default is none.
   */
  isRevoked?: RevocationCheck | undefined
  /** The issuer's JWK Set URL (`https`, never weaker than the issuer's scheme); skips discovery. Default is the discovered `jwks_uri`. */
  jwksUri?: string | undefined
  /**
   * Where the authorization server's metadata is, for providers that publish it elsewhere than the two
   * well-known locations (`https`, never weaker than the issuer's scheme); only this URL is fetched, for the
   * key set's `jwks_uri` and introspection's `introspection_endpoint` alike. The document's `issuer` must
   * still equal `issuer` exactly (RFC 8414 §3.3). Default is OpenID Connect Discovery, then RFC 8414,
   * derived from `issuer`.
   */
  discoveryUrl?: string | undefined
  /**
   * Accept plain `http` issuers, key sets and metadata, for local tests against a server on 127.0.0.1.
   * Loopback is not exempt without it. An `https` issuer's keys never come over `http`, even with it.
   * Never set this in production. Default is `false`.
   */
  allowInsecureHttp?: boolean | undefined
  /** Fixed verification keys (a JWK Set); no network at all. For tests and air-gapped deployments. Default is none. */
  jwks?: JSONWebKeySet | undefined
  /**
   * One fixed verification key, no network: a PEM string (an SPKI public key, `-----BEGIN PUBLIC KEY-----`,
   * or an X.509 certificate, `-----BEGIN CERTIFICATE-----`; the certificate's key is used, the certificate
   * itself is not validated), or a single public JWK. One key verifies one algorithm (RFC 8725 §3.1): give
   * it in `algorithms` (exactly one) or, for a JWK, in its `alg`. A key that cannot be imported fails
   * `ready()` with a `ConfigurationError`, and requests are answered 503 `keys_misconfigured`.
   */
  publicKey?: string | JWK | undefined
  /**
   * Shared secret for HS256/384/512 tokens (at least 32 bytes). Requires `algorithms` to list only HMAC
   * algorithms; the JWKS path is then off. Prefer asymmetric tokens: anyone who can verify can also mint.
   * Default is none.
   */
  secret?: string | Uint8Array | undefined
  /**
   * Accepted JWS algorithms. Default is RS256-512, PS256-512, ES256/384/512, EdDSA and Ed25519; with
   * `secret`, `['HS256']` (list HS384/HS512 to accept them). `none` is never accepted; HS* only together with
   * `secret` (RFC 8725 §3.1: the verifier, not the token, picks).
   */
  algorithms?: readonly string[] | undefined
  /**
   * Leeway for `exp`, `nbf` and `iat` checks: milliseconds, or a string such as `'5s'`. Accepted: 0 – 5
   * minutes; a bare number from 1 to 999 is refused as seconds written as milliseconds. Default is 5000
   * (5 seconds).
   */
  clockTolerance?: Duration | undefined
  /**
   * Maximum age since `iat`: milliseconds, or a string such as `'1h'`; makes `iat` required. Accepted: 1
   * minute – 1 day. Default is none.
   */
  maxTokenAge?: Duration | undefined
  /** Claims that must be present in addition to `exp` (always required), `iss`, and `aud` (or the `audienceClaim`). Default is none. */
  requiredClaims?: readonly string[] | undefined
  /**
   * `'rfc9068'` requires `typ: at+jwt` and the claims of RFC 9068 §2.2 (`sub`, `client_id`, `iat`, `jti`).
   * Default (`'lenient'`) also accepts untyped and `JWT`-typed tokens, which most providers still issue,
   * but never a token typed as another kind of JWT (ID token, DPoP proof, logout token…).
   */
  profile?: 'lenient' | 'rfc9068' | undefined
  /**
   * Claims that carry scopes, read in order and merged: `'scope'` (space-delimited string, RFC 9068),
   * `'scp'` (string or array: Okta, Entra ID), `'permissions'` (array: Auth0 RBAC), `'roles'` (array: Entra
   * ID app permissions in client-credentials tokens), or any claim name. Default is `['scope']`.
   */
  scopeClaims?: readonly ScopeClaim[] | undefined
  /** Longest token accepted, in characters (at most 1048576); longer ones are refused before any parsing. Default is 8192. */
  maxTokenLength?: number | undefined
  /**
   * Key set freshness when the response has no usable `Cache-Control: max-age`. Accepted: 100 ms – 24 hours.
   * Default is 600000 (10 minutes).
   */
  cacheMaxAge?: Duration | undefined
  /**
   * How long discovered metadata (its `jwks_uri`) is used before the next key set fetch asks for it again.
   * While it fails, the last good keys keep serving (`maxStaleDuration`). Accepted: 100 ms – 7 days. Default
   * is 86400000 (24 hours).
   */
  discoveryCacheMaxAge?: Duration | undefined
  /**
   * Minimum time between refetches caused by unknown `kid`s. Accepted: 0 – 1 hour; a bare number from 1 to 999
   * is refused (seconds written as milliseconds), `'200ms'` is not. Default is 30000 (30 seconds).
   */
  cooldownDuration?: Duration | undefined
  /**
   * Total time budget of one discovery or key set request, body included (with several issuers, also of one
   * resolver call). Accepted: 100 ms – 1 minute. Default is 5000 (5 seconds).
   */
  timeoutDuration?: Duration | undefined
  /** How long the last good keys keep serving while refreshing fails. Accepted: 1 ms – 7 days. Default is 86400000 (24 hours). */
  maxStaleDuration?: Duration | undefined
  /** First retry delay after a failed fetch; doubles per failure up to 1 minute. Accepted: 10 ms – 1 minute. Default is 1000 (1 second). */
  retryDelay?: Duration | undefined
  /** Largest discovery or key set response, in bytes (at most 16 MiB). Default is 524288 (512 KiB). */
  maxResponseSize?: number | undefined
  /** Most keys a key set may hold (at most 10000). Default is 100. */
  maxKeys?: number | undefined
  /** Take the key set response's `Cache-Control: max-age` (bounded to 1 min – 24 h). Default is `true`. */
  honorCacheControl?: boolean | undefined
  /** A snapshot from `verifier.keySource.export()`, so a cold start need not fetch (serverless). Default is none. */
  keySnapshot?: unknown
  /**
   * The verified-token cache: a token seen before skips the signature check (its clock window, scopes,
   * claims and `isRevoked` are still checked every time; an entry is dropped when the key that verified it
   * leaves its key set; `maxSize` counts what an entry keeps alive). `false` disables it. Default is `{ max: 10000, maxSize: 33554432 }` (32 MiB).
   */
  tokenCache?: false | TokenCacheOptions | undefined
  /** Key source events (fetches, failures, key changes, stale serving, cooldown refusals). A listener that throws is ignored. Default is none. */
  onEvent?: KeySourceEventListener | undefined
  /** Extra headers for discovery, key set and introspection requests, e.g. a `User-Agent`. Default is none. */
  fetchHeaders?: Record<string, string> | undefined
  /**
   * DPoP-bound tokens (RFC 9449): `'allowed'` accepts `Authorization: DPoP` with a valid proof for tokens
   * bound to a key (`cnf.jkt`) and unbound tokens as Bearer; `'required'` accepts DPoP-bound tokens only;
   * `'off'` refuses DPoP-bound tokens. Needs `origin` or `trustProxy` (each proof names the request's URL).
   * Default is `'allowed'` when `origin` or `trustProxy` is set, else `'off'`. See `DPoPOptions`.
   */
  dpop?: BindingMode | DPoPOptions | undefined
  /**
   * Certificate-bound tokens (RFC 8705): a token bound to a client certificate (`cnf["x5t#S256"]`) must come
   * over a TLS connection with that certificate (or from a trusted proxy's certificate header). Default is
   * `'allowed'`. See `MtlsOptions`.
   */
  mtls?: BindingMode | MtlsOptions | undefined
  /**
   * The `fetch` for discovery, key set and introspection requests: a corporate proxy, a custom CA or any undici dispatcher,
   * e.g. `(url, init) => undiciFetch(url, { ...init, dispatcher: new ProxyAgent(proxyUrl) })`. It is called
   * with `init.redirect: 'manual'`, which it must pass on. `timeoutDuration`, `maxResponseSize` and the
   * same-origin redirect rule hold whatever it does: a fetch that ignores `init.signal` is still cut off,
   * the body is read and counted by tokenguard, and a response reached through redirects the fetch
   * followed itself is refused. Default is the global `fetch`.
   */
  fetch?: FetchFunction | undefined
  /**
   * Opaque tokens (RFC 7662): the endpoint and this API's credentials to introspect them with, the cache of
   * answers and its bounds. Each request is bounded by `timeoutDuration` and `maxResponseSize`; an outage
   * or a refused request is a 503, never a 401. Per issuer: with `issuers`, in one entry. Default is none
   * (every token must be a JWT).
   */
  introspection?: IntrospectionOptions | undefined
  /**
   * Which tokens are verified locally and which are introspected: `'jwt'` (all local), `'opaque'` (all
   * introspected, a revocation check on JWTs too) or `'auto'` (JWT-shaped tokens local, every other token
   * introspected; a JWT-shaped token that fails local verification is refused, not introspected). Default
   * is `'auto'` with `introspection`, else `'jwt'`.
   */
  tokenFormat?: TokenFormat | undefined
  /**
   * OpenTelemetry metrics and spans: `{ api }`, with `import * as api from '@opentelemetry/api'` (tokenguard
   * never loads the package itself), and optionally `clientIds` to label metrics by client. See the README's
   * observability section for the instruments. Default is none: no instrument, no span, no cost.
   */
  telemetry?: TelemetryOptions | undefined
  /**
   * Audit sink(s): called with one `DecisionEvent` per decision (outcome, reason, `iss`, `client_id`, `sub`,
   * `kid`, `jti`, scopes required and granted, route template, remote address, user agent — never the token).
   * Anomaly detectors (`refusalSpikeDetector`, `newNetworkDetector`) are sinks too. Exceptions thrown by a
   * sink are ignored. Default is none (no event is built).
   */
  audit?: AuditSink | readonly AuditSink[] | undefined
}

/** What every verifier (one issuer or several) tells adapters and metadata publishers about itself. */
export interface VerifierSettings {
  /** Trusted issuers known at configuration time (empty when a resolver decides). */
  issuers: readonly string[]
  /** This API's identifiers, across issuers. */
  audience: readonly string[]
  /** Accepted algorithms, across issuers. */
  algorithms: readonly string[]
  /** `realm` and `resource_metadata` of every challenge, and the schemes it offers. */
  challenge: ChallengeSettings
  /** Where tokens may be taken from. */
  extract: ExtractSettings
  /** Longest token accepted, in characters. */
  maxTokenLength: number
  /** Where a request's absolute URL comes from (set by the verifier; absent in an issuer's own settings). */
  requestUrl?: RequestUrlSettings | undefined
  /** Which sender-constrained tokens are accepted (DPoP, mTLS), e.g. for resource metadata. */
  binding: BindingSettings
}

// Every key of VerifierOptions; the compiler keeps the list and the interface in step.
const VERIFIER_KEYS = {
  issuer: 0, audience: 0, audienceClaim: 0, claims: 0, isRevoked: 0, jwksUri: 0, discoveryUrl: 0, allowInsecureHttp: 0, jwks: 0, publicKey: 0, secret: 0, algorithms: 0,
  clockTolerance: 0, maxTokenAge: 0, requiredClaims: 0, profile: 0, scopeClaims: 0, maxTokenLength: 0, cacheMaxAge: 0,
  discoveryCacheMaxAge: 0, cooldownDuration: 0, timeoutDuration: 0, maxStaleDuration: 0, retryDelay: 0, maxResponseSize: 0, maxKeys: 0,
  honorCacheControl: 0, keySnapshot: 0, tokenCache: 0, onEvent: 0, fetchHeaders: 0, fetch: 0, realm: 0, resourceMetadata: 0,
  allowBodyToken: 0, allowQueryToken: 0, origin: 0, trustProxy: 0, introspection: 0, tokenFormat: 0, telemetry: 0, audit: 0, dpop: 0, mtls: 0,
} satisfies Record<keyof VerifierOptions, 0>

/** The keys `createVerifier()` accepts for one issuer. */
export const VERIFIER_OPTION_KEYS: readonly string[] = Object.freeze(Object.keys(VERIFIER_KEYS))

