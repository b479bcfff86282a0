/**
 * `createTestIssuer()`: a real OAuth 2.0 authorization server's public face on 127.0.0.1 for tests:
 * discovery at both well-known locations (OpenID Connect and RFC 8414), a JWK Set, token minting with the
 * published keys, key rotation, and outages on demand.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
import type { JSONWebKeySet } from 'jose'
import { KeyRing, type KeyInfo, type SigningAlgorithm } from './keys.js'
import { settleIssuerOptions, type SettledIssuerOptions, type TestIssuerOptions } from './options.js'
import { startIssuerServer, type Endpoint, type OutageMode, type Route } from './server.js'
import { createSign, type Sign } from './sign.js'

/** Options of {@link TestIssuer.rotate}. */
export interface RotateOptions {
  /** The algorithm whose key is replaced. Default is the issuer's first algorithm. */
  alg?: SigningAlgorithm | undefined
  /** Unpublish the keys of `alg` that were published before (tokens they signed stop verifying). Default is `false`. */
  drop?: boolean | undefined
}

export interface TestIssuer {
  /** `http://127.0.0.1:PORT`: what provider presets take as their base URL. */
  readonly origin: string
  /** The issuer identifier: `origin` followed by the `path` option, exactly. Tokens' `iss`. */
  readonly issuer: string
  /** The JWK Set's URL (also in discovery's `jwks_uri`). */
  readonly jwksUri: string
  /** The OpenID Connect discovery document's URL. */
  readonly discoveryUrl: string
  /** The audience minted tokens carry by default. */
  readonly audience: string | readonly string[]
  /** The client minted tokens are issued to by default. */
  readonly clientId: string
  /** Mints a token with the issuer's keys; `sign.auth0()`, `sign.okta()`… shape it as that provider does. */
  readonly sign: Sign
  /** The keys: published ones first (current or not), then dropped ones. */
  readonly keys: readonly KeyInfo[]
  /** The JWK Set as served now (a copy): for fixed-key verifiers (`jwks`) or key snapshots. */
  jwks(): JSONWebKeySet
  /** Requests received so far, per endpoint (live counts; `other` is any path not served). */
  readonly requests: Readonly<Record<Endpoint, number>>
  /** Responses currently held back by `slow()` or `outage('hang')`. */
  readonly held: number
  /** Publishes a new key and makes it current (the old one stays published unless `drop`). Resolves its id and algorithm. */
  rotate(options?: RotateOptions): Promise<KeyInfo>
  /** Makes discovery and the JWK Set fail: `'503'` (default), `'refuse'` (listener closed) or `'hang'` (never answered). */
  outage(mode?: OutageMode): Promise<void>
  /** Delays every discovery and JWK Set response by `ms` milliseconds. */
  slow(ms: number): Promise<void>
  /** Ends an outage or slowness; held responses are answered at once (a gate for tests). */
  restore(): Promise<void>
  /** Resolves once `endpoint` has received `count` requests in all (default: one more than now). */
  requested(endpoint: Endpoint, count?: number): Promise<void>
  /** Stops listening and closes every connection; the port is free when it resolves. Idempotent. */
  stop(): Promise<void>
}

const OUTAGE_MODES: readonly OutageMode[] = ['refuse', '503', 'hang']
const ENDPOINTS: readonly Endpoint[] = ['openidConfiguration', 'oauthAuthorizationServer', 'jwks', 'other']

/**
 * Starts a test issuer on 127.0.0.1 (random port). Stop it in your `after` hook.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer()
 * const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience })
 * const auth = await verifier.verify(await issuer.sign({}, { scope: 'read:data' }))
 * await issuer.stop()
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const settled = settleIssuerOptions(options)
  const keys = await KeyRing.create(settled.algorithms)
  // Known once the server listens; the documents are built per request, after that.
  let issuer = ''
  let jwksUri = ''
  const metadata = () => ({
    issuer, jwks_uri: jwksUri, grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'], ...settled.metadata,
  })
  const server = await startIssuerServer(routesFor(settled, metadata, () => keys.jwks()))
  const origin = `http://127.0.0.1:${server.port}`
  issuer = `${origin}${settled.path}`
  jwksUri = `${origin}${settled.jwksPath}`
  const sign = createSign({ issuer, audience: settled.audience, clientId: settled.clientId, algorithms: settled.algorithms, ring: keys })

  return {
    origin,
    issuer,
    jwksUri,
    discoveryUrl: `${origin}${settled.discoveryPaths.openidConfiguration}`,
    audience: settled.audience,
    clientId: settled.clientId,
    sign,
    get keys() {
      return keys.list()
    },
    jwks: () => keys.jwks(),
    requests: server.requests,
    get held() {
      return server.held
    },
    async rotate(rotation = {}) {
      const alg = rotation.alg ?? settled.algorithms[0]!
      if (!settled.algorithms.includes(alg)) {
        throw new TypeError(`@tokenguard/testing: rotate() "alg" must be one of this issuer's algorithms (${settled.algorithms.join(', ')})`)
      }
      const key = await keys.rotate(alg, rotation.drop === true)
      return keys.list().find((info) => info.kid === key.kid)!
    },
    outage(mode = '503') {
      if (!OUTAGE_MODES.includes(mode)) throw new TypeError(`@tokenguard/testing: outage() mode must be one of ${OUTAGE_MODES.join(', ')}`)
      return server.setMode({ kind: 'outage', outage: mode })
    },
    slow(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError('@tokenguard/testing: slow() takes a delay in milliseconds (a non-negative number)')
      return server.setMode({ kind: 'slow', delay: ms })
    },
    restore: () => server.setMode({ kind: 'normal' }),
    requested(endpoint, count = server.requests[endpoint] + 1) {
      if (!ENDPOINTS.includes(endpoint)) throw new TypeError(`@tokenguard/testing: requested() endpoint must be one of ${ENDPOINTS.join(', ')}`)
      return server.requested(endpoint, count)
    },
    stop: () => server.stop(),
  }
}

function routesFor(settled: SettledIssuerOptions, metadata: () => unknown, jwks: () => unknown): Map<string, Route> {
  const cacheControl = settled.cacheControl
  return new Map<string, Route>([
    [settled.discoveryPaths.openidConfiguration, { endpoint: 'openidConfiguration', body: metadata }],
    [settled.discoveryPaths.oauthAuthorizationServer, { endpoint: 'oauthAuthorizationServer', body: metadata }],
    [settled.jwksPath, { endpoint: 'jwks', body: jwks, ...(cacheControl === undefined ? {} : { headers: () => ({ 'cache-control': cacheControl }) }) }],
  ])
}
