/**
 * A real authorization server (oidc-provider) that issues sender-constrained JWT access tokens by Client
 * Credentials: DPoP-bound ones (`cnf.jkt`, RFC 9449 §5) for a client that sends a proof, optionally requiring
 * its nonce, and certificate-bound ones (`cnf["x5t#S256"]`, RFC 8705 §3) for a client that connects to its
 * mutual-TLS listener with a certificate. The issuer (discovery, keys) is served over http on 127.0.0.1; the
 * mTLS token endpoint over https on a second port, as RFC 8705 §5's endpoint aliases allow.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair } from 'jose'
import type { Configuration } from 'oidc-provider'
import { DEFAULT_RESOURCE, SCOPES } from './auth-server.js'
import { createMemoryAdapterFactory } from './memory-adapter.js'
import type { TlsMaterial } from './tls.js'

export interface BoundAuthServer {
  issuer: string
  /** The http token endpoint (DPoP clients). */
  tokenEndpoint: string
  /** The https token endpoint that asks for client certificates (mTLS clients). */
  mtlsTokenEndpoint: string
  resource: string
  dpopClient: { id: string; secret: string }
  mtlsClient: { id: string; secret: string }
  /** Token requests received (both listeners). */
  tokenRequests(): number
  close(): Promise<void>
}

export async function startBoundAuthServer(options: { tls: TlsMaterial; requireNonce?: boolean }): Promise<BoundAuthServer> {
  const { default: Provider } = await loadProvider()
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  const signingJwk = { ...(await exportJWK(privateKey)), kid: `bound-${Date.now().toString(36)}`, alg: 'ES256', use: 'sig' }
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  let tokenRequests = 0
  const route = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url?.split('?')[0] === '/token') tokenRequests += 1
    if (handler === undefined) return void res.writeHead(503).end()
    handler(req, res)
  }
  const http = createHttpServer(route)
  const https = createHttpsServer({ key: options.tls.server.key, cert: options.tls.server.cert, ca: options.tls.ca, requestCert: true, rejectUnauthorized: false }, route)
  const port = await listen(http)
  const mtlsPort = await listen(https)
  const issuer = `http://127.0.0.1:${port}`
  const dpopClient = { id: 'dpop-client', secret: 'dpop-client-secret-0123456789' }
  const mtlsClient = { id: 'mtls-client', secret: 'mtls-client-secret-0123456789' }
  const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: SCOPES.join(' '), token_endpoint_auth_method: 'client_secret_basic' as const }

  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    clients: [
      { ...base, client_id: dpopClient.id, client_secret: dpopClient.secret, dpop_bound_access_tokens: true },
      { ...base, client_id: mtlsClient.id, client_secret: mtlsClient.secret, tls_client_certificate_bound_access_tokens: true },
    ],
    jwks: { keys: [signingJwk as never] },
    scopes: ['openid', ...SCOPES],
    enabledJWA: { dPoPSigningAlgValues: ['ES256', 'PS256', 'EdDSA'] },
    clientDefaults: { grant_types: ['client_credentials'], response_types: [], id_token_signed_response_alg: 'ES256' },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => options.requireNonce === true },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        // The certificate of this connection, when it is the mTLS listener's and the client presented one.
        getCertificate: (ctx) => {
          const socket = ctx.req.socket as Partial<TLSSocket>
          return typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DEFAULT_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: SCOPES.join(' '), audience: DEFAULT_RESOURCE, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
    ttl: { ClientCredentials: 300 },
  }
  handler = new Provider(issuer, configuration).callback()

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    mtlsTokenEndpoint: `https://127.0.0.1:${mtlsPort}/token`,
    resource: DEFAULT_RESOURCE,
    dpopClient,
    mtlsClient,
    tokenRequests: () => tokenRequests,
    async close() {
      await Promise.all([http, https].map((server) => new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })))
    },
  }
}

/** oidc-provider warns at import on Node < 22, whatever the configuration: only that line is dropped. */
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

async function listen(server: Server | HttpsServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}
