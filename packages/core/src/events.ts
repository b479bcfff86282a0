/**
 * What the key source and token introspection tell the operator. Events never carry token contents (a
 * `kid` only appears when it comes from the authorization server's own key set) nor this API's
 * introspection credentials.
 */

/** Why a key-set fetch started. */
export type FetchCause = 'cold' | 'refresh' | 'unknown_kid' | 'expired'

/** One event of a key source's life; subscribe with the `onEvent` option. */
export type KeySourceEvent =
  /** Discovery resolved the issuer's `jwks_uri`. */
  | { type: 'discovered'; issuer: string; jwksUri: string }
  /** A key-set fetch (with discovery, when still needed) began. */
  | { type: 'fetch_start'; uri: string; cause: FetchCause }
  /** A valid key set arrived and replaced the previous one; `maxAge` is the freshness applied (ms); `cause` is the fetch's. */
  | { type: 'fetch_success'; uri: string; cause: FetchCause; durationMs: number; keyCount: number; maxAge: number }
  /**
   * A fetch failed; the previous keys (if any) stay in use. `retryAt` is when the next attempt may run.
   * `kind` is `configuration` when the server answered in a way that shows the configuration cannot work
   * (no keys were ever loaded with it; `ready()` rejects with a `ConfigurationError`), else `outage`.
   */
  | { type: 'fetch_failure'; uri: string; cause: FetchCause; durationMs: number; error: string; consecutiveFailures: number; retryAt: number; kind: 'configuration' | 'outage' }
  /** The key set changed: key ids added and removed (a re-keyed `kid` counts as both). */
  | { type: 'keys_changed'; added: string[]; removed: string[] }
  /**
   * A member of a fetched key set is not used: weak or degenerate material (RSA modulus under 2048 bits,
   * public exponent 1, ROCA fingerprint, EC point off its curve, small-order Ed25519 point…), private or
   * symmetric, or not meant for signature verification. The rest of the set stays in use. `kid` is the
   * member's `kid` when it has one, `index` its position in the set; emitted once per key and reason, when
   * it first appears (again after it has left the set and come back).
   */
  | { type: 'key_rejected'; uri: string; kid: string | undefined; index: number; reason: string }
  /**
   * Keys past their freshness are in use: a refresh is running (e.g. the first request after an idle
   * spell) or has failed. Emitted at most once per `cooldownDuration`; `ageMs` since they were fetched.
   */
  | { type: 'stale_keys_served'; ageMs: number }
  /**
   * An unknown `kid` was refused without fetching, because the last refetch was within the cooldown. At most
   * one event per second, however many such tokens arrive.
   */
  | { type: 'cooldown_refusal'; cooldownRemainingMs: number }
  /** Discovery resolved the issuer's `introspection_endpoint` (RFC 7662), used for opaque tokens. */
  | { type: 'introspection_discovered'; issuer: string; endpoint: string }
  /**
   * An introspection request got no usable answer; the request is refused with a 503. `configuration` is
   * `true` when the endpoint refused this API's own request (HTTP 400/401/403, a redirect, an unsigned answer
   * to a request for a signed one): the credentials or options are wrong, and retrying will not help.
   */
  | { type: 'introspection_failure'; endpoint: string; durationMs: number; error: string; configuration: boolean }
  /** The shared introspection cache store (`introspection.cacheStore`) failed or timed out; the local path went on without it. */
  | { type: 'introspection_store_failure'; operation: 'get' | 'set'; error: string }

/** Receives key source events. Exceptions thrown by it are swallowed: observability must not break auth. */
export type KeySourceEventListener = (event: KeySourceEvent) => void

/** Calls `listener` without ever letting it throw into the request path. */
export function emit(listener: KeySourceEventListener | undefined, event: KeySourceEvent): void {
  if (listener === undefined) return
  try {
    listener(event)
  } catch {
    // a broken listener is the operator's bug, not a reason to refuse tokens
  }
}
