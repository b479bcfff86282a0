/**
 * What the replayed express-oauth2-jwt-bearer cases run against: a real issuer on 127.0.0.1 (discovery and
 * a JWK Set, `@tokenguard/testing`), verifiers for it, tokens signed by it or by local keys and secrets,
 * and small Express apps with tokenguard's middleware — where the peer's tests used nock, these talk HTTP.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createVerifier, isConfigurationError, isTokenGuardError, type MultiIssuerOptions, type RefusalReason, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { createTestIssuer, type TestIssuer } from '@tokenguard/testing'
import express from 'express'
import { base64url, exportSPKI, generateKeyPair, exportJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

/** How tokenguard's behaviour compares with what the peer's test expects. */
export type Outcome = 'same' | 'built' | 'stricter' | 'different'

/** One of the peer's test cases, replayed against tokenguard. */
export interface ReplayCase {
  /** The peer's test file (under packages/ of auth0/node-oauth2-jwt-bearer). */
  file: string
  /** The peer's test name, verbatim (a suffix in parentheses tells apart two cases of the same name). */
  name: string
  outcome: Outcome
  /** What tokenguard does, in one line (the migration guide's table shows it). */
  note: string
  run(env: ReplayEnv): Promise<void>
}

/** A key pair outside any issuer, in the forms the `publicKey` option takes. */
export interface LocalKey {
  privateKey: CryptoKey
  jwk: JWK
  pem: string
}

export interface ReplayEnv {
  /** The shared issuer (http on 127.0.0.1, so verifiers set `allowInsecureHttp`). */
  issuer: TestIssuer
  /** A fresh issuer of its own, stopped after the case (for outages and counting). */
  fresh(options?: Parameters<typeof createTestIssuer>[0]): Promise<TestIssuer>
  /** A verifier for `issuer` (or another), with extra options. */
  verifier(extra?: Partial<VerifierOptions>, of?: TestIssuer): Verifier
  /** A verifier with several issuers. */
  multi(options: Omit<MultiIssuerOptions, 'audience'> & { audience?: MultiIssuerOptions['audience'] }): Verifier
  /** A key pair outside the issuer, for `publicKey` and `jwks`. */
  localKey(kid?: string): Promise<LocalKey>
  /** Signs claims (iss, aud, exp, iat and sub of the issuer by default) with a local key or a secret. */
  signWith(key: LocalKey | string, claims?: JWTPayload, header?: Record<string, unknown>): Promise<string>
  /** A token with an arbitrary (unsigned) header and payload, e.g. `alg: none`. */
  unsigned(header: Record<string, unknown>, payload: JWTPayload): string
  /** Starts an Express app (`setup` adds the routes), returns its base URL; closed after the case. */
  express(setup: (app: express.Express) => void): Promise<string>
  /** Runs `cleanup` after the case. */
  defer(cleanup: () => Promise<unknown> | unknown): void
}

export const SECRET = 'a-replay-secret-of-at-least-32-bytes!!'
export const LOCAL_ISSUER = 'https://issuer.example.com/'
const now = () => Math.floor(Date.now() / 1000)

export function createEnv(issuer: TestIssuer): ReplayEnv & { cleanup(): Promise<void> } {
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  const env: ReplayEnv & { cleanup(): Promise<void> } = {
    issuer,
    async fresh(options) {
      const started = await createTestIssuer(options)
      cleanups.push(() => started.stop())
      return started
    },
    verifier: (extra = {}, of = issuer) => createVerifier({ issuer: of.issuer, audience: of.audience, allowInsecureHttp: true, ...extra } as VerifierOptions),
    multi: (options) => createVerifier({ audience: issuer.audience, ...options } as MultiIssuerOptions),
    async localKey(kid = 'kid') {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
      return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' }, pem: await exportSPKI(publicKey) }
    },
    signWith(key, claims = {}, header = {}) {
      const payload = { iss: LOCAL_ISSUER, aud: issuer.audience as string, sub: 'me', iat: now(), exp: now() + 3600, ...claims }
      const secret = typeof key === 'string'
      return new SignJWT(payload)
        .setProtectedHeader({ alg: secret ? 'HS256' : 'RS256', typ: 'JWT', ...(secret ? {} : { kid: key.jwk.kid }), ...header })
        .sign(secret ? new TextEncoder().encode(key) : key.privateKey)
    },
    unsigned: (header, payload) => `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`,
    async express(setup) {
      const app = express()
      app.set('env', 'test')
      setup(app)
      const server = app.listen(0, '127.0.0.1') as Server
      await new Promise((resolve) => server.once('listening', resolve))
      cleanups.push(() => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(resolve))
      })
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
    defer: (cleanup) => void cleanups.push(cleanup),
    async cleanup() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
  return env
}

/** Asserts that `run` throws a ConfigurationError for `option` (startup refusal). */
export function refusedAtStartup(run: () => unknown, option: string, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isConfigurationError(error), `a ConfigurationError, got ${String(error)}`)
    assert.equal(error.option, option, error.message)
    if (message !== undefined) assert.match(error.message, message)
    return true
  })
}

/** Awaits a verification and asserts it is refused with `reason` and `status`. */
export async function refused(promise: Promise<unknown>, reason: RefusalReason, status: number): Promise<void> {
  const error = await promise.then(() => undefined, (failure: unknown) => failure)
  assert.ok(isTokenGuardError(error), `refused (${reason}), got ${error === undefined ? 'accepted' : String(error)}`)
  assert.equal(error.reason, reason, error.detail)
  assert.equal(error.status, status)
}

/** A GET (or another method) with a bearer token, answering status, challenge and JSON body. */
export async function request(url: string, init: { token?: string; method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers }
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) })
  const text = await response.text()
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}
