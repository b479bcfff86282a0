/**
 * A real OAuth 2.0 authorization server for tests, built on oidc-provider.
 *
 * - Client Credentials grant only, RFC 8707 resource indicators, RFC 9068 JWT
 *   access tokens (`typ: at+jwt`, `aud` = the resource), or opaque ones
 *   (`accessTokenFormat: 'opaque'`; without a resource indicator they name no
 *   audience) with introspection (RFC 7662), signed introspection responses
 *   (RFC 9701) and revocation (RFC 7009) for the API's own clients.
 * - Listens on 127.0.0.1 over plain http; the issuer is exactly
 *   `http://127.0.0.1:PORT`.
 * - Signing keys are generated at start with jose.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { createMemoryAdapterFactory } from './memory-adapter.js'
import type { ClientMetadata, Configuration, default as ProviderClass } from 'oidc-provider'

export interface AuthServerOptions {
  /** Port to listen on; 0 (default) picks an ephemeral port. */
  port?: number
  /** The default resource indicator / token audience. Default 'https://api.tokenguard.test'. */
  resource?: string
  /** Access token lifetime in seconds. Default 300. */
  accessTokenTTL?: number
  /** JWS algorithm of the access-token signing key. Default 'RS256'. */
  alg?: 'RS256' | 'ES256' | 'PS256' | 'EdDSA'
  /**
   * Further resource indicators the server accepts besides `resource`
   * (they share its scopes). Default none.
   */
  extraResources?: string[]
  /**
   * Further clients to register, as oidc-provider client metadata
   * (e.g. a private_key_jwt client with `jwks`, or a client without the
   * client_credentials grant). Default none.
   */
  extraClients?: ClientMetadata[]
  /** Format of the access tokens issued for a resource. Default 'jwt'. */
  accessTokenFormat?: 'jwt' | 'opaque'
  /**
   * Whether a token request without `resource` gets the default resource. Default true; with false such a
   * request gets an opaque token that names no audience.
   */
  defaultResource?: boolean
  /**
   * The resource server's own clients, allowed to introspect (each with its `token_endpoint_auth_method`,
   * e.g. a signed-response client with `introspection_signed_response_alg`). Default none.
   */
  apiClients?: ClientMetadata[]
}

export interface ClientCredentialsPair {
  id: string
  secret: string
}

export interface AuthServer {
  /** e.g. http://127.0.0.1:PORT */
  issuer: string
  tokenEndpoint: string
  jwksUri: string
  resource: string
  clients: { readWrite: ClientCredentialsPair; readOnly: ClientCredentialsPair }
  /** Gets an access token for one of the built-in clients; throws with the OAuth error otherwise. */
  requestToken(client: 'readWrite' | 'readOnly', opts?: { scope?: string; resource?: string }): Promise<string>
  /** Number of HTTP requests that reached the token endpoint so far (counted at the socket level). */
  tokenRequestCount(): number
  /** Number of HTTP requests that reached the introspection endpoint so far. */
  introspectionRequestCount(): number
  /** `${issuer}/token/introspection` */
  introspectionEndpoint: string
  /** Revokes `token` (RFC 7009) as the read-write client, which owns it; throws unless the server says 200. */
  revoke(token: string): Promise<void>
  /** The underlying oidc-provider instance (e.g. to listen to its events). */
  provider: ProviderClass
  close(): Promise<void>
}

/** Error thrown by `requestToken` when the token endpoint answers with an OAuth error. */
export class AuthServerTokenError extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    readonly errorDescription?: string,
  ) {
    super(`token request failed: ${error}${errorDescription ? ` (${errorDescription})` : ''}`)
    this.name = 'AuthServerTokenError'
  }
}

export const DEFAULT_RESOURCE = 'https://api.tokenguard.test'
export const SCOPES = ['read:data', 'write:data'] as const

const READ_WRITE: ClientCredentialsPair = {
  id: 'read-write-client',
  secret: 'rw-secret-with-special/chars+=&%:',
}
const READ_ONLY: ClientCredentialsPair = {
  id: 'read-only-client',
  secret: 'read-only-secret-0123456789',
}

/**
 * Loads oidc-provider. On Node < 22 it prints an "Unsupported runtime" warning
 * at import time that no configuration can turn off; only that exact line is
 * dropped, only for the duration of the import.
 */
async function loadProvider(): Promise<typeof import('oidc-provider')> {
  const original = console.warn
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return
    original.apply(console, args)
  }
  try {
    return await import('oidc-provider')
  } finally {
    console.warn = original
  }
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return (server.address() as AddressInfo).port
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const resource = options.resource ?? DEFAULT_RESOURCE
  const accessTokenTTL = options.accessTokenTTL ?? 300
  const alg = options.alg ?? 'RS256'
  const resources = new Set([resource, ...(options.extraResources ?? [])])

  const { default: Provider, errors } = await loadProvider()

  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const signingJwk: JWK = {
    ...(await exportJWK(privateKey)),
    kid: `test-${alg.toLowerCase()}-${Date.now().toString(36)}`,
    alg,
    use: 'sig',
  }

  // Bind first so the issuer (which must contain the port) is known before
  // the Provider is constructed; requests are routed once it exists.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  let tokenRequests = 0
  let introspectionRequests = 0
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.split('?')[0] === '/token') tokenRequests += 1
    if (req.method === 'POST' && req.url?.split('?')[0] === '/token/introspection') introspectionRequests += 1
    if (!handler) {
      res.statusCode = 503
      res.end()
      return
    }
    handler(req, res)
  })
  const port = await listen(server, options.port ?? 0)
  const issuer = `http://127.0.0.1:${port}`

  const clients: ClientMetadata[] = [
    {
      client_id: READ_WRITE.id,
      client_secret: READ_WRITE.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'read:data write:data',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: READ_ONLY.id,
      client_secret: READ_ONLY.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'read:data',
      token_endpoint_auth_method: 'client_secret_post',
    },
    ...(options.extraClients ?? []),
    ...(options.apiClients ?? []),
  ]
  const apiClientIds = new Set((options.apiClients ?? []).map((client) => client.client_id))

  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    clients,
    jwks: { keys: [signingJwk as never] },
    scopes: ['openid', ...SCOPES],
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      id_token_signed_response_alg: alg,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: apiClientIds.size > 0, allowedPolicy: async (_ctx, client) => apiClientIds.has(client.clientId) },
      jwtIntrospection: { enabled: apiClientIds.size > 0 },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => client.clientId === token.clientId },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => (options.defaultResource === false ? undefined : resource),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (!resources.has(resourceIndicator)) {
            throw new errors.InvalidTarget('unknown resource indicator')
          }
          return {
            scope: SCOPES.join(' '),
            audience: resourceIndicator,
            accessTokenTTL,
            accessTokenFormat: options.accessTokenFormat ?? 'jwt',
            jwt: { sign: { alg } },
          }
        },
      },
    },
    ttl: { ClientCredentials: accessTokenTTL },
  }

  const provider = new Provider(issuer, configuration)
  handler = provider.callback()

  const tokenEndpoint = `${issuer}/token`
  const jwksUri = `${issuer}/jwks`
  const credentials = { readWrite: READ_WRITE, readOnly: READ_ONLY }

  async function requestToken(which: 'readWrite' | 'readOnly', opts: { scope?: string; resource?: string } = {}): Promise<string> {
    const client = credentials[which]
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    if (opts.scope !== undefined) body.set('scope', opts.scope)
    if (opts.resource !== undefined) body.set('resource', opts.resource)
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    }
    if (which === 'readWrite') {
      // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
      const enc = (s: string) => new URLSearchParams({ v: s }).toString().slice(2)
      headers.authorization = `Basic ${Buffer.from(`${enc(client.id)}:${enc(client.secret)}`).toString('base64')}`
    } else {
      body.set('client_id', client.id)
      body.set('client_secret', client.secret)
    }
    const res = await fetch(tokenEndpoint, { method: 'POST', headers, body })
    const json = (await res.json()) as Record<string, unknown>
    if (!res.ok || typeof json.access_token !== 'string') {
      throw new AuthServerTokenError(
        typeof json.error === 'string' ? json.error : 'unknown_error',
        res.status,
        typeof json.error_description === 'string' ? json.error_description : undefined,
      )
    }
    return json.access_token
  }

  async function revoke(token: string): Promise<void> {
    const { id, secret } = READ_WRITE
    const enc = (s: string) => new URLSearchParams({ v: s }).toString().slice(2)
    const res = await fetch(`${issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}` },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
    })
    if (res.status !== 200) throw new Error(`revocation answered ${res.status}: ${await res.text()}`)
  }

  async function close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()))
      server.closeAllConnections()
    })
  }

  return {
    issuer,
    tokenEndpoint,
    jwksUri,
    resource,
    clients: credentials,
    requestToken,
    tokenRequestCount: () => tokenRequests,
    introspectionRequestCount: () => introspectionRequests,
    introspectionEndpoint: `${issuer}/token/introspection`,
    revoke,
    provider,
    close,
  }
}
