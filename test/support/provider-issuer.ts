/**
 * A loopback stand-in for a hosted identity provider: serves whatever discovery documents and key sets a
 * provider publishes, at that provider's paths, and signs tokens with exactly the header and claims given
 * (no defaults), so that each provider's fixture can reproduce its documented token shapes. Every path
 * that is not served answers 404, so a preset that looks in the wrong place fails.
 */
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTHeaderParameters, type JWTPayload } from 'jose'

/** A provider's signing key: the private half, and the public JWK as the provider publishes it. */
export interface ProviderKey {
  kid: string
  alg: string
  privateKey: CryptoKey
  /** The published entry; shaped by the fixture (members, their order, provider extras). */
  jwk: JWK & Record<string, unknown>
}

/** Key id styles seen at providers. */
export type KidStyle =
  /** base64url SHA-1 of the key (27 characters), the shape of Entra ID's `kid`/`x5t`. */
  | 'sha1-thumbprint'
  /** base64url SHA-256 of the key (43 characters), as Okta and Keycloak kids look. */
  | 'sha256-thumbprint'
  /** Standard base64 with `+`, `/` and `=` (44 characters), as Cognito kids look. */
  | 'base64'
  /** A random base64url string (22 characters), as newer Auth0 kids look. */
  | 'random'

/**
 * Generates an RSA key pair and publishes it through `shape`, which receives the bare public members
 * (`kty`, `n`, `e`), the key id in the requested style and the SHA-1 thumbprint (for `x5t`).
 */
export async function createProviderKey(
  style: KidStyle,
  shape: (base: { kty: string; n: string; e: string }, ids: { kid: string; x5t: string }) => JWK & Record<string, unknown>,
  alg = 'RS256',
): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const { kty, n, e } = await exportJWK(publicKey)
  const der = Buffer.from((await exportSPKI(publicKey)).replace(/-----[^-]+-----|\s/g, ''), 'base64')
  const x5t = createHash('sha1').update(der).digest('base64url')
  const kid = kidFor(style, der, x5t)
  return { kid, alg, privateKey, jwk: shape({ kty: kty!, n: n!, e: e! }, { kid, x5t }) }
}

function kidFor(style: KidStyle, der: Buffer, x5t: string): string {
  switch (style) {
    case 'sha1-thumbprint':
      return x5t
    case 'sha256-thumbprint':
      return createHash('sha256').update(der).digest('base64url')
    case 'base64':
      // Cognito-like: 32 bytes in standard base64; make sure the tell-tale characters appear.
      return `${createHash('sha256').update(der).digest('base64').slice(0, 41)}+/=`
    case 'random':
      return randomBytes(16).toString('base64url')
  }
}

export interface ProviderIssuer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string
  /** Serves `body()` as JSON at `path` (exact match, query ignored). */
  serve(path: string, body: () => unknown): void
  /** Requests received at `path`, served or not. */
  hits(path: string): number
  /** Paths requested that are not served (each once). */
  misses(): string[]
  /** Signs `payload` with `key`; the protected header is exactly `header` (give `alg` and `kid` yourself). */
  sign(key: ProviderKey, header: JWTHeaderParameters, payload: JWTPayload): Promise<string>
  close(): Promise<void>
}

/** Starts an empty provider on 127.0.0.1; the fixture then serves its documents. */
export async function startProviderIssuer(): Promise<ProviderIssuer> {
  const routes = new Map<string, () => unknown>()
  const counts = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const route = req.method === 'GET' ? routes.get(path) : undefined
    if (route === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}')
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(route()))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    serve: (path, body) => void routes.set(path, body),
    hits: (path) => counts.get(path) ?? 0,
    misses: () => [...counts.keys()].filter((path) => !routes.has(path)),
    sign: (key, header, payload) => new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Seconds since the epoch. */
export const epoch = (): number => Math.floor(Date.now() / 1000)

/** A random hex id of `bytes` bytes. */
export const hex = (bytes = 16): string => randomBytes(bytes).toString('hex')
