/**
 * The token client: cached client-credentials tokens, refreshed ahead of
 * expiry, one request per cache key at a time (single flight).
 */
import { basicCredentials, resolveSigningKey, type ClientAuthConfig } from './client-auth.js'
import { TokenRequestError } from './errors.js'
import { authorizedFetch } from './authorized-fetch.js'
import { discover } from './discovery.js'
import type { TransportSettings } from './http.js'
import type { TokenClientOptions, TokenRequestOverrides } from './options.js'
import { isUsable, shouldRefresh, type RefreshPolicy } from './refresh.js'
import { cacheKey, createMemoryStore, type CachedToken, type TokenStore } from './store.js'
import { tokenRequestObserver, type TokenRequestObserver } from './telemetry.js'
import { requestToken, type TokenRequestSpec } from './token-request.js'
import { checkOverrides, checkScope, normalizeResource, overrideLabel, resolveOptions, type ResolvedOptions } from './validate.js'

/** A client for the OAuth 2.0 Client Credentials grant. */
export interface TokenClient {
  /** The OAuth client ID. */
  readonly clientId: string
  /** An access token, from the cache when fresh, else from the token endpoint. */
  getToken(overrides?: TokenRequestOverrides): Promise<string>
  /** Like getToken, but the whole cached token response. */
  getTokenResponse(overrides?: TokenRequestOverrides): Promise<CachedToken>
  /**
   * Drops the cached token for these overrides. With `accessToken`, only if
   * the cached token is that one (so a newer token is kept).
   */
  invalidate(overrides?: TokenRequestOverrides, accessToken?: string): Promise<void>
  /**
   * fetch with `Authorization: Bearer <token>`. On a 401 whose
   * WWW-Authenticate says error="invalid_token", drops the cached token and
   * retries once with a new one.
   */
  fetch(input: string | URL | Request, init?: RequestInit, overrides?: TokenRequestOverrides): Promise<Response>
}

/** Time in ms before expiry after which a cached token is no longer handed out when a refresh fails. */
const EXPIRY_SAFETY_MARGIN = 1_000

interface Target {
  key: string
  scope: string | undefined
  audience: string | undefined
  resource: readonly string[] | undefined
}

class TokenClientImpl implements TokenClient {
  readonly clientId: string
  readonly #options: ResolvedOptions
  readonly #auth: ClientAuthConfig
  readonly #transport: TransportSettings
  readonly #store: TokenStore
  readonly #policy: RefreshPolicy
  readonly #secrets: string[]
  readonly #inflight = new Map<string, Promise<CachedToken>>()
  readonly #observer: TokenRequestObserver | undefined
  #endpoint: Promise<string> | undefined
  #endpointUrl: string | undefined

  constructor(input: TokenClientOptions) {
    const options = resolveOptions(input)
    this.clientId = options.clientId
    this.#options = options
    this.#secrets = secretsOf(options)
    this.#auth = {
      method: options.auth,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      signingKey: options.auth === 'private_key_jwt' ? resolveSigningKey(options.privateKey!, options.alg, options.keyId) : undefined,
      assertionLifetimeDuration: options.assertionLifetimeDuration,
    }
    this.#transport = {
      fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      timeoutDuration: options.timeoutDuration,
      maxResponseSize: options.maxResponseSize,
      retry: options.retry,
      logger: options.logger,
    }
    this.#store = options.store ?? createMemoryStore()
    this.#policy = {
      refreshAheadDuration: options.refreshAheadDuration,
      refreshJitterDuration: options.refreshJitterDuration,
      jitterFactor: Math.random(),
    }
    if (options.tokenEndpoint !== undefined) this.#endpoint = Promise.resolve(options.tokenEndpoint)
    this.#endpointUrl = options.tokenEndpoint
    this.#observer = tokenRequestObserver(options.clientId, options.telemetry, options.audit)
  }

  async getToken(overrides?: TokenRequestOverrides): Promise<string> {
    return (await this.getTokenResponse(overrides)).accessToken
  }

  async getTokenResponse(input?: TokenRequestOverrides): Promise<CachedToken> {
    const overrides = checkOverrides(input)
    const target = this.#target(overrides)
    const force = overrides.forceRefresh === true
    if (!force) {
      const inflight = this.#inflight.get(target.key)
      if (inflight) return inflight
      const cached = await this.#read(target.key)
      if (cached && !shouldRefresh(cached, this.#policy)) return cached
    }
    return this.#singleFlight(target, force)
  }

  async invalidate(overrides?: TokenRequestOverrides, accessToken?: string): Promise<void> {
    const { key } = this.#target(checkOverrides(overrides))
    if (accessToken !== undefined) {
      const cached = await this.#read(key)
      if (cached && cached.accessToken !== accessToken) return
    }
    await this.#store.delete(key)
  }

  fetch(input: string | URL | Request, init?: RequestInit, overrides?: TokenRequestOverrides): Promise<Response> {
    return authorizedFetch(this, this.#transport.fetch, input, init, overrides)
  }

  toString(): string {
    return `TokenClient(${this.clientId})`
  }

  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      tokenEndpoint: this.#options.tokenEndpoint,
      issuer: this.#options.issuer,
      auth: this.#auth.method,
    }
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TokenClient ${JSON.stringify(this.toJSON())}`
  }

  #target(overrides: TokenRequestOverrides): Target {
    const options = this.#options
    const scope = overrides.scope === undefined ? options.scope : checkScope(overrides.scope, overrideLabel('scope'))
    const audience = overrides.audience ?? options.audience
    if (audience !== undefined && (typeof audience !== 'string' || audience === '')) {
      throw new TypeError(`tokenguard: ${overrideLabel('audience')} must be a non-empty string`)
    }
    const resource = overrides.resource === undefined ? options.resource : normalizeResource(overrides.resource, overrideLabel('resource'))
    const { clientId, auth, tokenEndpoint, issuer, extraParams } = options
    const key = cacheKey({ clientId, auth, tokenEndpoint, issuer, scope, audience, resource, extraParams })
    return { key, scope, audience, resource }
  }

  #singleFlight(target: Target, force: boolean): Promise<CachedToken> {
    const existing = this.#inflight.get(target.key)
    if (existing) return existing
    const flight = this.#refresh(target, force).finally(() => {
      this.#inflight.delete(target.key)
    })
    this.#inflight.set(target.key, flight)
    return flight
  }

  async #refresh(target: Target, force: boolean): Promise<CachedToken> {
    const previous = await this.#read(target.key)
    // Another process sharing the store may have refreshed it meanwhile.
    if (!force && previous && !shouldRefresh(previous, this.#policy)) return previous
    let token: CachedToken
    try {
      const request = async () => requestToken(await this.#spec(target), this.#transport)
      const cause = force ? 'forced' : previous === undefined ? 'cold' : 'refresh'
      token = this.#observer === undefined ? await request() : await this.#observer.observe(cause, target.scope, () => this.#endpointUrl, request)
    } catch (error) {
      if (!force && previous && isUsable(previous, EXPIRY_SAFETY_MARGIN)) {
        this.#transport.logger?.warn?.('token refresh failed; using the cached token until it expires', {
          clientId: this.clientId,
          code: error instanceof TokenRequestError ? error.code : 'unknown',
          expiresAt: previous.expiresAt,
        })
        return previous
      }
      throw error
    }
    this.#transport.logger?.debug?.('obtained access token', {
      clientId: this.clientId,
      scope: token.scope,
      expiresAt: token.expiresAt,
    })
    try {
      await this.#store.set(target.key, token, token.expiresAt - Date.now())
    } catch (error) {
      this.#transport.logger?.warn?.('could not write the token to the store', {
        error: error instanceof Error ? error.message : String(error),
      })
    }
    return token
  }

  async #read(key: string): Promise<CachedToken | undefined> {
    try {
      return await this.#store.get(key)
    } catch (error) {
      this.#transport.logger?.warn?.('could not read the token store; treating as a cache miss', {
        error: error instanceof Error ? error.message : String(error),
      })
      return undefined
    }
  }

  async #spec(target: Target): Promise<TokenRequestSpec> {
    const tokenEndpoint = await this.#tokenEndpoint()
    const options = this.#options
    return {
      tokenEndpoint,
      assertionAudience: options.assertionAudience === 'issuer' ? options.issuer! : tokenEndpoint,
      auth: this.#auth,
      scope: target.scope,
      audience: target.audience,
      resource: target.resource,
      extraParams: options.extraParams,
      bodyFormat: options.bodyFormat,
      fallbackLifetimeDuration: options.fallbackLifetimeDuration,
      secrets: this.#secrets,
    }
  }

  #tokenEndpoint(): Promise<string> {
    if (!this.#endpoint) {
      const { issuer, allowInsecureHttp, maxResponseSize, timeoutDuration } = this.#options
      const pending = discover(issuer!, { fetch: this.#transport.fetch, timeoutDuration, maxResponseSize, allowInsecureHttp }).then((metadata) => {
        this.#endpointUrl = metadata.tokenEndpoint
        return metadata.tokenEndpoint
      })
      // Do not memoise failures: the next call tries again.
      pending.catch(() => {
        if (this.#endpoint === pending) this.#endpoint = undefined
      })
      this.#endpoint = pending
    }
    return this.#endpoint
  }
}

/** What to redact from server text: the secret, and the Basic credentials built from it (see redact.ts for the encodings). */
function secretsOf(options: ResolvedOptions): string[] {
  const secret = options.clientSecret
  if (secret === undefined) return []
  return [secret, basicCredentials(options.clientId, secret), Buffer.from(`${options.clientId}:${secret}`, 'utf8').toString('base64')]
}

/** Creates a Client Credentials token client. Throws TypeError on invalid options. */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  return new TokenClientImpl(options)
}
