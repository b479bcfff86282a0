/**
 * Options of `createTokenClient`. Durations have names ending in `Duration`; a number is milliseconds, a
 * string carries its unit (`'30s'`, `'5m'`). Unknown keys and wrong types are refused when the client is
 * created (see validate.ts).
 */
import type { ClientAssertionAlg, ClientAuthMethod, PrivateKeyInput } from './client-auth.js'
import type { DPoPKey } from './dpop-key.js'
import type { Duration } from './duration.js'
import type { FetchLike, TokenClientLogger } from './http.js'
import type { RetryOptions } from './retry.js'
import type { TokenStore } from './store.js'
import type { ClientTelemetryOptions, TokenRequestSink } from './telemetry.js'

export interface TokenClientOptions {
  /**
   * The token endpoint URL. Either this or `issuer` is required; when both are
   * given, this one is used and no discovery happens.
   */
  tokenEndpoint?: string
  /**
   * The authorization server's issuer identifier. When `tokenEndpoint` is not
   * given, the token endpoint is discovered from
   * `<issuer>/.well-known/openid-configuration`, then from the RFC 8414
   * `/.well-known/oauth-authorization-server` location; the metadata `issuer`
   * must equal this value exactly. Also usable as the client-assertion
   * audience (see `assertionAudience`).
   */
  issuer?: string
  /** The OAuth client ID. Required. */
  clientId: string
  /**
   * The client secret, for `client_secret_basic` and `client_secret_post`.
   * It is never logged, never included in errors, and not visible through
   * `util.inspect`, `toString` or JSON of the client.
   */
  clientSecret?: string
  /**
   * Private key for `private_key_jwt`: PEM string, private JWK, KeyObject or
   * CryptoKey.
   */
  privateKey?: PrivateKeyInput
  /** `kid` header of client assertions. Default: the JWK's `kid`, if any; else no `kid`. */
  keyId?: string
  /** Client-assertion signing algorithm. Default: the JWK's `alg`, else inferred from the key (RSA → RS256, P-256 → ES256, Ed25519 → EdDSA). */
  alg?: ClientAssertionAlg
  /**
   * `aud` of client assertions: 'token_endpoint' or 'issuer' (requires
   * `issuer`). Default 'token_endpoint'.
   */
  assertionAudience?: 'token_endpoint' | 'issuer'
  /** Lifetime of each client assertion, 1 s to 1 h. Default 60 000 ms (60 s). */
  assertionLifetimeDuration?: Duration
  /**
   * How the client authenticates. Default: 'private_key_jwt' when
   * `privateKey` is set, else 'client_secret_basic'.
   */
  auth?: ClientAuthMethod
  /** Scope(s) to request (space-separated string or list). Default: none (the server's default). */
  scope?: string | readonly string[]
  /** `audience` parameter (Auth0 and similar). Default: not sent. */
  audience?: string
  /** RFC 8707 `resource` indicator(s). Default: not sent. */
  resource?: string | readonly string[]
  /**
   * Further token-request parameters. They cannot replace grant_type, client
   * authentication, scope, audience or resource parameters (use those
   * options). Default none.
   */
  extraParams?: Readonly<Record<string, string>>
  /**
   * Request body encoding: 'form' (application/x-www-form-urlencoded, the
   * standard) or 'json' (accepted by Auth0). Default 'form'.
   */
  bodyFormat?: 'form' | 'json'
  /**
   * Where tokens are cached. Default: an in-memory store owned by this client. A shared store keeps one
   * entry per client id, auth method, endpoint/issuer, scope, audience, resource and extraParams.
   */
  store?: TokenStore
  /**
   * Time limit of each token request attempt (headers and body), and the one
   * budget of a whole discovery (both locations); the request is aborted when
   * it passes. 100 ms to 5 min. Default 10 000 ms (10 s).
   */
  timeoutDuration?: Duration
  /**
   * Largest accepted response body (token or discovery), in bytes, checked
   * while it streams in. 1 KiB to 64 MiB. Default 524 288 (512 KiB), as in
   * @tokenguard/core.
   */
  maxResponseSize?: number
  /** Retry policy, or `false` for no retries. Default `{ retries: 2, baseDelayDuration: '200ms', maxDelayDuration: 5000 }`. */
  retry?: RetryOptions | false
  /**
   * How long before expiry a cached token is refreshed: 0, or 1 s to 24 h.
   * Default: 10 % of the token's lifetime, at most 60 000 ms (60 s).
   */
  refreshAheadDuration?: Duration
  /**
   * Extra random refresh-ahead time, so a fleet does not refresh in lockstep
   * (each client instance picks its own share of it): 0, or 1 s to 1 h.
   * Default: 5 % of the token's lifetime, at most 5 000 ms (5 s).
   */
  refreshJitterDuration?: Duration
  /**
   * Token lifetime assumed when the response has no `expires_in` and the
   * token is not a JWT with `exp`, 1 s to 24 h. Default 60 000 ms (60 s).
   */
  fallbackLifetimeDuration?: Duration
  /** Allow plain-http endpoints on non-loopback hosts (never do this in production). Default false. */
  allowInsecureHttp?: boolean
  /** fetch implementation used for token and discovery requests. Default: the global `fetch`. */
  fetch?: FetchLike
  /** Logger for debug/warn events; never receives secrets. Default: none. */
  logger?: TokenClientLogger
  /**
   * DPoP (RFC 9449): token requests carry a proof by this key, so that the server binds the tokens to it, and
   * `client.fetch` sends them as `Authorization: DPoP` with a proof per request; a `DPoP-Nonce` request is
   * retried once with the nonce. A key from `generateDPoPKey()` / `importDPoPKey()` (persist it to keep using
   * cached tokens across restarts), or `true` for a key generated once for this client. Default: none.
   */
  dpop?: DPoPKey | true
  /**
   * OpenTelemetry: `{ api }` with `import * as api from '@opentelemetry/api'` (never loaded by this package).
   * Records `tokenguard.client.token_requests` and `tokenguard.client.token_request.duration`, and a
   * `tokenguard.client.token_request` span per request. Default: none.
   */
  telemetry?: ClientTelemetryOptions
  /**
   * Called with one `TokenRequestEvent` per token request (outcome, cause, duration, error code — never the
   * token or a secret), e.g. `tokenRequestSpikeDetector()`. Exceptions thrown by it are ignored. Default: none.
   */
  audit?: TokenRequestSink | readonly TokenRequestSink[]
}

/** Per-call overrides of what token to get. */
export interface TokenRequestOverrides {
  /** Scope(s) for this token instead of the client's `scope`. */
  scope?: string | readonly string[]
  /** `audience` for this token instead of the client's `audience`. */
  audience?: string
  /** `resource` for this token instead of the client's `resource`. */
  resource?: string | readonly string[]
  /** Skip the cache and fetch a new token. Default false. */
  forceRefresh?: boolean
}
