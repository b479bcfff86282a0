/**
 * The authorization server's keys over the network: discovery, the JWKS lifecycle, and every failure of
 * the remote end. jose verifies; this decides which keys it may use and when to fetch.
 *
 * Guarantees, each tested against a real key server:
 * - one discovery and one JWKS fetch however many requests arrive together (single flight);
 * - an unknown `kid` refetches once, then waits out `cooldownDuration` (a flood of random kids is no flood
 *   of fetches);
 * - a refresh replaces the set, never merges, and never with an invalid or empty set;
 * - refresh starts ahead of expiry, in the background, so steady-state requests never wait on the network;
 * - when refreshing fails, the last good keys serve for `maxStaleDuration`, retries back off;
 * - with no usable keys the answer is {@link KeysUnavailableError} (503), never "your token is invalid".
 */
import { errors as joseErrors, type JWTVerifyGetKey } from 'jose'
import { discover } from './discovery.js'
import { isConfigurationError, KeysUnavailableError, type ConfigurationError } from './errors.js'
import { emit, type FetchCause, type KeySourceEventListener } from './events.js'
import { fetchJson, type FetchFunction, type FetchJsonOptions } from './fetch-json.js'
import { failureKind, keySetMisconfiguration, usableKeySet } from './key-source-failure.js'
import { diffKeySets, freshnessFor, loadKeySet, parseSnapshot, type KeyBinding, type KeySetSnapshot, type LoadedKeySet } from './key-set.js'
import { rejectionReporter, type RejectionReporter } from './key-rejections.js'
import type { DiscoveryRecord, KeySource } from './key-source.js'
import type { Traced } from './observability/tracing.js'

/** Settled options of a remote key source (defaults applied by the verifier's option parsing). */
export interface RemoteKeySourceOptions {
  /** Issuer to discover `jwks_uri` from, when `jwksUri` is not given. */
  issuer?: string | undefined
  jwksUri?: string | undefined
  /** The metadata's own URL, instead of the well-known locations derived from `issuer`. */
  discoveryUrl?: string | undefined
  cacheMaxAge: number
  /** How long a discovered `jwks_uri` is used before discovery is asked again, in milliseconds. */
  discoveryCacheMaxAge: number
  /** A discovery result remembered from an earlier key source for this issuer (used while young enough). */
  discovered?: DiscoveryRecord | undefined
  cooldownDuration: number
  timeoutDuration: number
  maxStaleDuration: number
  maxResponseSize: number
  maxKeys: number
  retryDelay: number
  honorCacheControl: boolean
  headers?: Record<string, string> | undefined
  /** The fetch for discovery and key set requests. Default is the global `fetch`. */
  fetch?: FetchFunction | undefined
  /** Allow `http` URLs (discovery, key set), for local tests. */
  allowInsecureHttp?: boolean | undefined
  snapshot?: unknown
  onEvent?: KeySourceEventListener | undefined
  /** The verifier's allowed algorithms: a key without `alg` is bound to one of them (`algorithm-binding.ts`). */
  algorithms: readonly string[]
  /** Called with the identities (`keyIdentityOf`) of keys that leave the set, to forget only what they verified. */
  onKeysRemoved?: ((removedIdentities: string[]) => void) | undefined
  /** Spans around fetches and discovery (OpenTelemetry, when the verifier has `telemetry`). */
  trace?: Traced | undefined
}

// Start the background refresh once this share of the freshness has passed.
const REFRESH_AHEAD_RATIO = 0.8
const MAX_RETRY_DELAY = 60_000

/** Keys fetched from `jwks_uri` (configured or discovered), kept fresh and kept through outages. */
export class RemoteKeySource implements KeySource {
  readonly #options: RemoteKeySourceOptions
  readonly #fetchOptions: FetchJsonOptions
  readonly #binding: KeyBinding
  readonly #reportRejections: RejectionReporter
  /** `jwks_uri` from discovery, and when; forgotten after a failed fetch so that the next attempt discovers again. */
  #discovered: DiscoveryRecord | undefined
  /** Where the keys in use came from (a fetch or an imported snapshot), for export(). */
  #currentUri: string | undefined
  #current: LoadedKeySet | undefined
  #inflight: Promise<void> | undefined
  #consecutiveFailures = 0
  #retryAt = 0
  #lastUnknownKidFetch = Number.NEGATIVE_INFINITY
  #lastUnknownKidFetchFailed = false
  #lastStaleNotice = 0
  #lastCooldownNotice = Number.NEGATIVE_INFINITY
  /** Set when the last fetch failed because of the configuration: ready() rejects with it, 503s are keys_misconfigured. */
  #misconfiguration: ConfigurationError | undefined

  constructor(options: RemoteKeySourceOptions) {
    this.#options = options
    this.#fetchOptions = { timeoutDuration: options.timeoutDuration, maxResponseSize: options.maxResponseSize, headers: options.headers, allowInsecureHttp: options.allowInsecureHttp, fetch: options.fetch }
    this.#discovered = options.jwksUri === undefined ? options.discovered : undefined
    this.#binding = { namespace: options.issuer ?? options.jwksUri ?? '', algorithms: options.algorithms }
    this.#reportRejections = rejectionReporter(options.onEvent)
    if (options.snapshot !== undefined) this.import(options.snapshot)
  }

  /** jose key resolver: the key for this token's header, fetching only when the rules above allow. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => this.#resolve(await this.#usableKeys(), header, token)

  async usable(): Promise<JWTVerifyGetKey> {
    const keys = await this.#usableKeys()
    return (header, token) => this.#resolve(keys, header, token)
  }

  async #resolve(keys: LoadedKeySet, header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1]) {
    try {
      return await keys.resolve(header, token)
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error
      const refreshed = await this.#refetchForUnknownKid(error)
      return refreshed.resolve(header, token)
    }
  }

  async ready(): Promise<void> {
    try {
      await this.#usableKeys()
    } catch (error) {
      // A misconfiguration fails startup with its own message; an outage stays a KeysUnavailableError.
      throw error instanceof KeysUnavailableError && error.reason === 'keys_misconfigured' && isConfigurationError(error.cause) ? error.cause : error
    }
  }

  async refresh(): Promise<void> {
    await this.#refresh('refresh')
  }

  maintain(): void {
    if (this.#current !== undefined) this.#refreshIfDue(Date.now(), this.#current)
  }

  discovery(): DiscoveryRecord | undefined {
    return this.#discovered
  }

  export(): KeySetSnapshot | undefined {
    const current = this.#current
    const jwksUri = this.#currentUri
    if (current === undefined || jwksUri === undefined) return undefined
    return { version: 1, issuer: this.#options.issuer, jwksUri, jwks: current.jwks, fetchedAt: current.fetchedAt, freshUntil: current.freshUntil }
  }

  import(value: unknown): boolean {
    const snapshot = parseSnapshot(value, this.#options.maxKeys)
    if (snapshot === undefined) return false
    const sameSource = this.#options.jwksUri !== undefined ? snapshot.jwksUri === this.#options.jwksUri : snapshot.issuer === this.#options.issuer
    if (!sameSource) return false
    if (this.#current !== undefined && this.#current.fetchedAt >= snapshot.fetchedAt) return false
    this.#currentUri = snapshot.jwksUri // before #replace: a keys_changed listener may export()
    this.#replace(loadKeySet(snapshot.jwks, snapshot.fetchedAt, snapshot.freshUntil, this.#binding))
    // The snapshot's fetch counts for the unknown-kid cooldown: a source rebuilt from remembered keys (a
    // resolver's issuer back in its LRU slot) must not refetch at once for an invented kid.
    this.#lastUnknownKidFetch = Math.max(this.#lastUnknownKidFetch, snapshot.fetchedAt)
    return true
  }

  async #usableKeys(): Promise<LoadedKeySet> {
    const current = this.#current
    const now = Date.now()
    if (current === undefined || now >= current.fetchedAt + this.#options.maxStaleDuration) {
      return this.#refreshOrUnavailable(current === undefined ? 'cold' : 'expired')
    }
    this.#refreshIfDue(now, current)
    return current
  }

  async #refetchForUnknownKid(notFound: Error): Promise<LoadedKeySet> {
    if (this.#inflight !== undefined) {
      const refreshed = await this.#inflight.then(() => true, () => false)
      if (!refreshed) throw this.#unavailable()
      return this.#currentOrUnavailable()
    }
    const sinceLast = Date.now() - this.#lastUnknownKidFetch
    if (sinceLast < this.#options.cooldownDuration) {
      if (this.#lastUnknownKidFetchFailed) throw this.#unavailable()
      this.#noteCooldownRefusal(sinceLast)
      throw notFound
    }
    this.#lastUnknownKidFetch = Date.now()
    try {
      const keys = await this.#refreshOrUnavailable('unknown_kid')
      this.#lastUnknownKidFetchFailed = false
      return keys
    } catch (error) {
      this.#lastUnknownKidFetchFailed = true
      throw error
    }
  }

  async #refreshOrUnavailable(cause: FetchCause): Promise<LoadedKeySet> {
    if (this.#inflight === undefined && Date.now() < this.#retryAt) throw this.#unavailable()
    try {
      await this.#refresh(cause)
    } catch (error) {
      throw this.#unavailable(error)
    }
    return this.#currentOrUnavailable()
  }

  #currentOrUnavailable(): LoadedKeySet {
    if (this.#current === undefined) throw this.#unavailable()
    return this.#current
  }

  // At most one event per second: a flood of invented kids must not become a flood of events.
  #noteCooldownRefusal(sinceLast: number): void {
    const now = Date.now()
    if (now - this.#lastCooldownNotice < 1_000) return
    this.#lastCooldownNotice = now
    emit(this.#options.onEvent, { type: 'cooldown_refusal', cooldownRemainingMs: this.#options.cooldownDuration - sinceLast })
  }

  #refreshIfDue(now: number, current: LoadedKeySet): void {
    if (now >= refreshPoint(current)) this.#refreshInBackground(now, current)
  }

  #refreshInBackground(now: number, current: LoadedKeySet): void {
    if (now >= current.freshUntil && now - this.#lastStaleNotice >= this.#options.cooldownDuration) {
      this.#lastStaleNotice = now
      emit(this.#options.onEvent, { type: 'stale_keys_served', ageMs: now - current.fetchedAt })
    }
    if (this.#inflight !== undefined || now < this.#retryAt) return
    this.#refresh('refresh').catch(() => undefined) // failure is recorded and emitted; old keys keep serving
  }

  #refresh(cause: FetchCause): Promise<void> {
    this.#inflight ??= this.#tracedFetch(cause).finally(() => {
      this.#inflight = undefined
    })
    return this.#inflight
  }

  #tracedFetch(cause: FetchCause): Promise<void> {
    const trace = this.#options.trace
    if (trace === undefined) return this.#fetchAndReplace(cause)
    const attributes = { 'tokenguard.fetch.cause': cause, 'tokenguard.issuer': this.#options.issuer, 'url.full': this.#options.jwksUri ?? this.#discovered?.jwksUri }
    // A background refresh is no request's work: a root span, not a child of the request that started it.
    return trace('tokenguard.jwks.fetch', attributes, cause === 'refresh', () => this.#fetchAndReplace(cause))
  }

  async #fetchAndReplace(cause: FetchCause): Promise<void> {
    const started = Date.now()
    const uri = this.#options.jwksUri ?? this.#discovered?.jwksUri ?? this.#options.discoveryUrl ?? this.#options.issuer ?? '(unknown)'
    emit(this.#options.onEvent, { type: 'fetch_start', uri, cause })
    let jwksUri: string | undefined
    try {
      const from = (jwksUri = await this.#resolveJwksUri())
      const { body, cacheControl } = await fetchJson(from, this.#fetchOptions)
      const jwks = usableKeySet(body, this.#options.maxKeys, (rejected) => this.#reportRejections(from, rejected))
      const maxAge = freshnessFor(cacheControl, this.#options.cacheMaxAge, this.#options.honorCacheControl)
      const fetchedAt = Date.now()
      this.#currentUri = jwksUri // before #replace: a keys_changed listener may export()
      this.#replace(loadKeySet(jwks, fetchedAt, fetchedAt + maxAge, this.#binding))
      this.#consecutiveFailures = 0
      this.#retryAt = 0
      this.#misconfiguration = undefined
      emit(this.#options.onEvent, { type: 'fetch_success', uri: jwksUri, cause, durationMs: fetchedAt - started, keyCount: jwks.keys.length, maxAge })
    } catch (error) {
      this.#discovered = undefined
      this.#consecutiveFailures += 1
      const failedAt = Date.now()
      this.#retryAt = failedAt + Math.min(this.#options.retryDelay * 2 ** (this.#consecutiveFailures - 1), MAX_RETRY_DELAY)
      const kind = failureKind(error, this.#current !== undefined)
      this.#misconfiguration = kind === 'configuration' ? keySetMisconfiguration(error, jwksUri, this.#options.jwksUri !== undefined, this.#options.issuer, this.#options.discoveryUrl) : undefined
      const failure = { uri, cause, durationMs: failedAt - started, error: error instanceof Error ? error.message : String(error), kind }
      emit(this.#options.onEvent, { type: 'fetch_failure', ...failure, consecutiveFailures: this.#consecutiveFailures, retryAt: this.#retryAt })
      throw this.#misconfiguration ?? error
    }
  }

  async #resolveJwksUri(): Promise<string> {
    if (this.#options.jwksUri !== undefined) return this.#options.jwksUri
    if (this.#discovered !== undefined && Date.now() - this.#discovered.discoveredAt < this.#options.discoveryCacheMaxAge) return this.#discovered.jwksUri
    const issuer = this.#options.issuer!
    const discovery = () => discover(issuer, this.#fetchOptions, 'jwks_uri', this.#options.discoveryUrl)
    const metadata = this.#options.trace === undefined ? await discovery() : await this.#options.trace('tokenguard.discovery', { 'tokenguard.issuer': issuer }, false, discovery)
    this.#discovered = { jwksUri: metadata.jwks_uri, discoveredAt: Date.now() }
    emit(this.#options.onEvent, { type: 'discovered', issuer, jwksUri: metadata.jwks_uri })
    return metadata.jwks_uri
  }

  #replace(next: LoadedKeySet): void {
    const { added, removed, removedIdentities } = diffKeySets(this.#current, next)
    const hadKeys = this.#current !== undefined
    this.#current = next
    if (added.length === 0 && removed.length === 0) return
    emit(this.#options.onEvent, { type: 'keys_changed', added, removed })
    if (hadKeys && removedIdentities.length > 0) this.#options.onKeysRemoved?.(removedIdentities)
  }

  #unavailable(cause?: unknown): KeysUnavailableError {
    const retryAfterMs = Math.max(this.#retryAt - Date.now(), 1000)
    const misconfiguration = this.#current === undefined ? this.#misconfiguration : undefined
    const why = cause ?? misconfiguration
    const detail = why instanceof Error ? `no usable keys: ${why.message}` : 'no usable keys; a fetch is backing off'
    return new KeysUnavailableError({ reason: misconfiguration === undefined ? 'keys_unavailable' : 'keys_misconfigured', detail, cause: why }, retryAfterMs / 1000)
  }
}

function refreshPoint(keys: LoadedKeySet): number {
  return keys.fetchedAt + (keys.freshUntil - keys.fetchedAt) * REFRESH_AHEAD_RATIO
}
