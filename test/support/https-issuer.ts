/**
 * An `https` issuer on 127.0.0.1 whose certificate (test/fixtures/tls) no system store trusts — what an
 * API server behind a TLS-inspecting corporate proxy, or talking to an internal identity provider, sees.
 * It serves discovery and the JWK Set of a test issuer's keys under its own `https` identifier.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TestIssuer } from '@tokenguard/testing'

const fixtures = new URL('../../../test/fixtures/tls/', import.meta.url)

/** The fixture certificate (PEM), to trust in a `fetch` or to use as an X.509 `publicKey`. */
export const LOCALHOST_CERT = readFileSync(new URL('localhost-cert.pem', fixtures), 'utf8')
/** The fixture certificate's EC P-256 private key (PKCS#8 PEM). */
export const LOCALHOST_KEY = readFileSync(new URL('localhost-key.pem', fixtures), 'utf8')

export interface HttpsIssuer {
  /** `https://127.0.0.1:PORT`. */
  readonly issuer: string
  /** Requests received, by path. */
  readonly requests: readonly string[]
  close(): Promise<void>
}

/** Serves `keys`' JWK Set and discovery for an issuer at `https://127.0.0.1:PORT`. */
export async function startHttpsIssuer(keys: Pick<TestIssuer, 'jwks'>): Promise<HttpsIssuer> {
  const requests: string[] = []
  let issuer = ''
  const server: Server = createServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }, (req, res) => {
    const path = req.url ?? '/'
    requests.push(path)
    const body = path === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/jwks` } : path === '/jwks' ? keys.jwks() : undefined
    if (body === undefined) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    issuer,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
