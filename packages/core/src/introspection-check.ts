/**
 * The check of an opaque token (RFC 7662): the same {@link TokenCheckResult} a JWT's check produces, from the
 * authorization server's answer instead of a signature, so that routes, scopes, guards and the
 * verified-token cache treat both alike.
 *
 * The path of one token: its syntax (an RFC 6750 b64token; the verifier bounds its length) → the hash of
 * it → the local cache (accepting and refusing answers bounded apart) → one request in flight per token,
 * which asks the shared store, then the endpoint → the answer judged by `introspection-claims.ts`, again on
 * every cache hit. An outage or a misconfiguration is a 503 with `Retry-After`, never a 401.
 */
import type { TokenCheckResult } from './checked-token.js'
import { assertClaimChecks } from './claims.js'
import { deepFreeze } from './deep-freeze.js'
import { InvalidTokenError, isConfigurationError, isTokenGuardError, KeysUnavailableError, type TokenGuardError } from './errors.js'
import { emit, type KeySourceEventListener } from './events.js'
import type { FetchFunction } from './fetch-json.js'
import { isB64Token } from './extract.js'
import { evaluateIntrospection, type IntrospectionRules } from './introspection-claims.js'
import { clientAuthentication } from './introspection-client-auth.js'
import { IntrospectionCache, introspectionKey, type CachedIntrospection } from './introspection-cache.js'
import { decodeRecord, encodeRecord, type IntrospectionRecord } from './introspection-cache-store.js'
import { endpointResolver } from './introspection-endpoint.js'
import type { SettledIntrospection } from './introspection-options.js'
import { IntrospectionFault, requestIntrospection } from './introspection-request.js'
import { readIntrospectionResponse } from './introspection-response.js'
import type { KeySource } from './key-source.js'
import { readScopes, type ScopeClaim } from './scopes.js'
import { factsOfClaims } from './token-facts.js'

/** What an issuer hands its introspection check. */
export interface IntrospectionCheckInit {
  introspection: SettledIntrospection
  rules: IntrospectionRules
  scopeClaims: readonly ScopeClaim[]
  algorithms: readonly string[]
  /** The issuer's keys, for signed answers (and kept current on cache hits like a JWT's). */
  keySource: KeySource
  /** The key fetches' bounds, applied to every introspection request and store call too. */
  limits: { timeoutDuration: number; maxResponseSize: number; retryDelay: number }
  headers?: Record<string, string> | undefined
  /** The `fetch` option: every discovery and introspection request goes through it. */
  fetch?: FetchFunction | undefined
  /** The `discoveryUrl` option: where the metadata naming the endpoint is. */
  discoveryUrl?: string | undefined
  /** Whether an `http` endpoint (configured or discovered) may be used. */
  allowInsecureHttp: boolean
  onEvent?: KeySourceEventListener | undefined
  /** Told of every introspection request (the store's answers are none), for metrics. */
  onRequest?: ((outcome: 'success' | 'failure', durationMs: number) => void) | undefined
}

/** Checks opaque tokens of one issuer. */
export interface IntrospectionCheck {
  check(token: string): Promise<TokenCheckResult>
}

// Bounds the memory (and the authorization server's load) a flood of distinct tokens can hold at once.
const MAX_INTROSPECTIONS_IN_FLIGHT = 256
// A stored answer from further in the future than this is not one a fleet member wrote.
const MAX_STORE_SKEW = 60_000

export function createIntrospectionCheck(init: IntrospectionCheckInit): IntrospectionCheck {
  const { introspection, rules, limits } = init
  const cache = new IntrospectionCache(introspection.cache)
  const now = cache.now
  const store = introspection.cacheStore
  const fetchOptions = { timeoutDuration: limits.timeoutDuration, maxResponseSize: limits.maxResponseSize, headers: init.headers, allowInsecureHttp: init.allowInsecureHttp, fetch: init.fetch }
  const endpoint = endpointResolver(rules.issuer, introspection.endpoint, fetchOptions, init.onEvent, init.discoveryUrl)
  const authenticate = clientAuthentication(introspection, rules.issuer)
  const flights = new Map<string, Promise<CachedIntrospection>>()

  async function check(token: string): Promise<TokenCheckResult> {
    if (!isB64Token(token)) throw new InvalidTokenError({ ...rules.challenge, reason: 'token_malformed', detail: 'the opaque token is not an RFC 6750 b64token' })
    const key = await introspectionKey(rules.issuer, introspection.clientId, token)
    const checked = judged(token, cache.get(key) ?? (await inFlight(key, token)))
    await assertClaimChecks(checked.context.claims, rules.claimChecks, rules.challenge) // the "claims" option, async predicates included
    return checked
  }

  function judged(token: string, { record, expiresAt }: CachedIntrospection): TokenCheckResult {
    const at = now()
    const verdict = evaluateIntrospection(record.response, at, rules)
    if (!verdict.accepted) {
      throw new InvalidTokenError({ ...verdict.refusal, facts: factsOfClaims(record.response, Math.floor(at / 1000)) }, verdict.description)
    }
    const claims = record.response
    const context = deepFreeze({ token, header: {}, claims, scopes: readScopes(claims, init.scopeClaims) })
    const validUntil = Math.floor(Math.min(verdict.validUntil, expiresAt) / 1000)
    // An answer past its cache life is used for this request only: an empty window keeps it out of the token cache.
    const validFrom = validUntil * 1000 <= at ? validUntil : verdict.validFrom / 1000
    return { context, keySource: init.keySource, claimChecks: rules.claimChecks, validFrom, validUntil }
  }

  function inFlight(key: string, token: string): Promise<CachedIntrospection> {
    let flight = flights.get(key)
    if (flight === undefined) {
      if (flights.size >= MAX_INTROSPECTIONS_IN_FLIGHT) throw unavailable('introspection_unavailable', `more than ${MAX_INTROSPECTIONS_IN_FLIGHT} introspections in flight`)
      flight = answerFor(key, token).finally(() => flights.delete(key))
      flights.set(key, flight)
    }
    return flight
  }

  async function answerFor(key: string, token: string): Promise<CachedIntrospection> {
    const shared = await fromStore(key)
    if (shared !== undefined) return remember(key, shared, 0)
    const started = Date.now()
    let url: string | undefined
    try {
      url = await endpoint()
      const posted = await requestIntrospection(token, { endpoint: url, jwtResponse: introspection.jwtResponse, ...fetchOptions, authenticate })
      const response = await readIntrospectionResponse(posted, { jwtResponse: introspection.jwtResponse, issuer: rules.issuer, clientId: introspection.clientId, algorithms: init.algorithms, getKey: init.keySource.getKey })
      const cached = remember(key, { response: deepFreeze(response), fetchedAt: now() }, posted.text.length)
      init.onRequest?.('success', Date.now() - started)
      toStore(key, cached)
      return cached
    } catch (error) {
      init.onRequest?.('failure', Date.now() - started)
      throw outage(error, url ?? `(discovery of ${rules.issuer})`, Date.now() - started)
    }
  }

  /** Caches an answer for as long as its verdict allows: accepting ones until `exp` or `cacheMaxAge`, others briefly. */
  function remember(key: string, record: IntrospectionRecord, size: number): CachedIntrospection {
    const verdict = evaluateIntrospection(record.response, now(), rules)
    const expiresAt = verdict.accepted
      ? Math.min(verdict.validUntil, record.fetchedAt + introspection.cacheMaxAge)
      : record.fetchedAt + introspection.negativeCacheMaxAge
    cache.set(key, record, expiresAt, verdict.accepted, 2 * (size || JSON.stringify(record.response).length) + 512)
    return { record, expiresAt }
  }

  async function fromStore(key: string): Promise<IntrospectionRecord | undefined> {
    if (store === undefined) return undefined
    try {
      const record = decodeRecord(await withTimeout(store.get(key), limits.timeoutDuration))
      return record === undefined || record.fetchedAt > now() + MAX_STORE_SKEW ? undefined : record
    } catch (error) {
      emit(init.onEvent, { type: 'introspection_store_failure', operation: 'get', error: messageOf(error) })
      return undefined
    }
  }

  function toStore(key: string, { record, expiresAt }: CachedIntrospection): void {
    const ttl = Math.ceil(expiresAt - now())
    if (store === undefined || !(ttl > 0)) return
    Promise.resolve()
      .then(() => withTimeout(store.set(key, encodeRecord(record), ttl), limits.timeoutDuration))
      .catch((error: unknown) => emit(init.onEvent, { type: 'introspection_store_failure', operation: 'set', error: messageOf(error) }))
  }

  function outage(error: unknown, url: string, durationMs: number): TokenGuardError {
    if (isTokenGuardError(error)) return error // the issuer's keys for a signed answer: already a 503
    // Discovery says so too: metadata without an introspection_endpoint, another issuer's document, nothing there.
    const configuration = error instanceof IntrospectionFault ? error.configuration : isConfigurationError(error)
    const message = messageOf(error)
    emit(init.onEvent, { type: 'introspection_failure', endpoint: url, durationMs, error: message, configuration })
    const detail = configuration ? `introspection at ${url} is misconfigured: ${message}` : `introspection at ${url} failed: ${message}`
    return unavailable(configuration ? 'introspection_misconfigured' : 'introspection_unavailable', detail, error)
  }

  function unavailable(reason: 'introspection_unavailable' | 'introspection_misconfigured', detail: string, cause?: unknown): KeysUnavailableError {
    return new KeysUnavailableError({ reason, detail, cause }, limits.retryDelay / 1000)
  }

  return { check }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function withTimeout<T>(promise: Promise<T>, timeoutDuration: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutDuration} ms`)), timeoutDuration)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
