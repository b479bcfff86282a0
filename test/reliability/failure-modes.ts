/**
 * Every way the key server can fail after it once served a good key set, as one table. Each mode turns a
 * healthy key server bad and may return a check to run at the end (e.g. that nothing was requested from
 * another origin).
 */
import assert from 'node:assert/strict'
import { exportJWK } from 'jose'
import { startServer, type TestServer } from '../support/http-server.js'
import type { VerifierOptions } from '@tokenguard/core'
import type { KeyServer, SigningKey } from '../support/key-server.js'

export interface FailureMode {
  name: string
  /** The `fetch_failure` error message, roughly (the reason the set was refused). */
  error: RegExp
  /** Makes `server` fail this way; `key` is its good signing key. */
  apply(server: KeyServer, key: SigningKey): Promise<AfterFailure | void>
  /** Options this mode needs (a timeout for the hang, short enough that attempts end within the test). */
  options?: Partial<VerifierOptions>
}

export interface AfterFailure {
  /** Assertions about what the failure must not have caused. */
  verify(): void
  close(): Promise<void>
}

export const FAILURE_MODES: readonly FailureMode[] = [
  { name: 'stopped (connection refused)', error: /request failed|discovery failed/, apply: async (server) => server.stop() },
  {
    name: 'hang beyond timeoutDuration',
    error: /timed out/,
    apply: async (server) => void (server.behaviour = { kind: 'hang' }),
    // the same timeout also bounds the healthy cold fetch before the hang: wide, for a loaded machine
    options: { timeoutDuration: 3000 },
  },
  { name: 'status 500', error: /HTTP status 500/, apply: async (server) => void (server.behaviour = { kind: 'status', status: 500 }) },
  { name: 'status 404', error: /HTTP status 404/, apply: async (server) => void (server.behaviour = { kind: 'status', status: 404 }) },
  { name: 'garbage JSON', error: /not valid JSON/, apply: async (server) => void (server.behaviour = { kind: 'garbage' }) },
  { name: 'empty key set {"keys":[]}', error: /no usable/, apply: async (server) => void (server.behaviour = { kind: 'empty-set' }) },
  { name: 'oversized 2 MB body', error: /byte limit/, apply: async (server) => void (server.behaviour = { kind: 'oversized', bytes: 2 * 1024 * 1024 }) },
  { name: 'only private and symmetric keys', error: /no usable/, apply: publishSecretsOnly },
  { name: 'redirect to another origin', error: /another origin/, apply: redirectElsewhere },
]

/** A misconfigured issuer that publishes its private key and an HMAC secret instead of public keys. */
async function publishSecretsOnly(server: KeyServer, key: SigningKey): Promise<void> {
  const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg, use: 'sig' }
  const secretJwk = { kty: 'oct', k: Buffer.alloc(32, 7).toString('base64url'), kid: 'hmac', alg: 'HS256' }
  server.published = [{ ...key, publicJwk: privateJwk }, { ...key, kid: 'hmac', alg: 'HS256', publicJwk: secretJwk }]
}

/** Redirects the key set to a recording server on another port: it must receive nothing. */
async function redirectElsewhere(server: KeyServer): Promise<AfterFailure> {
  const elsewhere: TestServer = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'))
  server.behaviour = { kind: 'redirect', location: `${elsewhere.url}/jwks` }
  return {
    verify: () => assert.equal(elsewhere.requests.length, 0, 'the other origin received no request'),
    close: () => elsewhere.close(),
  }
}
