/**
 * What the attack corpus runs against: a real issuer on 127.0.0.1 publishing an RSA and three EC keys, a
 * second trusted issuer (for the multi-issuer profiles), an attacker with keys of their own (and a real
 * X.509 certificate for `x5c`), and a trap server that would hand the attacker's key to any verifier that
 * followed `jku`, `x5u` or an attacker-chosen `iss`. Plus the verifier profiles each case can target.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { MockTracker } from 'node:test'
import type { MultiIssuerOptions, RefusalReason, VerifierOptions } from '@tokenguard/core'
import type { JWK } from 'jose'
import { startServer, type TestServer } from '../support/http-server.js'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { asymmetricSign, hmacSign, type SegmentSource } from './forge.js'

/** Verifier configurations the corpus targets. */
export type ProfileName = 'default' | 'rfc9068' | 'maxAge' | 'hmac' | 'multi' | 'multiResolver'

/** One attack: how to build the token, which verifier it targets, and the only acceptable outcome. */
export interface AttackCase {
  name: string
  /** Default is `'default'`: discovery from the issuer, lenient profile, every default option. */
  profile?: ProfileName
  token(f: CorpusFixtures): string | Promise<string>
  /**
   * The operator reason of the refusal (a list where either is right, e.g. malformed or bad signature for
   * an altered signing input), or `'accepted'` for the controls that pin a boundary.
   */
  expect: RefusalReason | readonly RefusalReason[] | 'accepted'
  /**
   * The outcome depends on no second boundary passing between minting and checking (e.g. `exp = now - 4`
   * with 5 s of tolerance is valid for less than a second): the runner freezes Date ({@link freezeDate})
   * before minting, until the case is decided.
   */
  clockSensitive?: boolean
}

/** `maxTokenAge` of the `maxAge` profile, in seconds. */
export const MAX_TOKEN_AGE = 60
const HMAC_SECRET = 'corpus-shared-secret-that-is-at-least-32-bytes-long'

export interface AttackerMaterial {
  /** The attacker's RSA key (from test/fixtures/attacker), with a self-signed certificate for `x5c`. */
  rsaPrivate: KeyObject
  rsaJwk: JWK
  certificateDer: string
  certificatePem: string
  /** An attacker EC key, for embedded-`jwk` attacks on ES256. */
  ec: SigningKey
}

export interface CorpusFixtures {
  issuer: KeyServer
  /** A second trusted issuer, for the multi-issuer profiles (its own RSA key). */
  other: KeyServer
  keys: { rsa: SigningKey; es256: SigningKey; es384: SigningKey; es512: SigningKey; other: SigningKey }
  attacker: AttackerMaterial
  /** Serves discovery, a JWK Set and a certificate carrying the attacker's key; must never be asked. */
  trap: TestServer
  secret: string
  /** A valid access-token claim set for the issuer, with `overrides` merged (`undefined` deletes). */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>
  /** The issuer's RSA key signs whatever header and payload are given (hand-crafted, no checks). */
  issuerSigned(payload?: SegmentSource, header?: SegmentSource): string
  /** The second issuer's key signs (`iss` of the second issuer unless the payload says otherwise). */
  otherSigned(payload?: SegmentSource, header?: SegmentSource): string
  /** The attacker's RSA key signs whatever header and payload are given. */
  attackerSigned(header: SegmentSource, payload?: SegmentSource): string
  /** The shared secret of the `hmac` profile signs (the legitimate HS256 issuer). */
  hmacSigned(payload?: SegmentSource, header?: SegmentSource): string
  close(): Promise<void>
}

export function now(): number {
  return Math.floor(Date.now() / 1000)
}

let sharedKeys: Promise<{ keys: CorpusFixtures['keys']; attacker: AttackerMaterial }> | undefined

/** Key generation is the slow part: done once per process, shared by every runner. */
function keyMaterial() {
  sharedKeys ??= (async () => {
    const [rsa, es256, es384, es512, other, ec] = await Promise.all([
      generateSigningKey('RS256', 'issuer-rsa'),
      generateSigningKey('ES256', 'issuer-es256'),
      generateSigningKey('ES384', 'issuer-es384'),
      generateSigningKey('ES512', 'issuer-es512'),
      generateSigningKey('RS256', 'other-rsa'),
      generateSigningKey('ES256', 'attacker-ec'),
    ])
    return { keys: { rsa, es256, es384, es512, other }, attacker: attackerMaterial(ec) }
  })()
  return sharedKeys
}

function attackerMaterial(ec: SigningKey): AttackerMaterial {
  const fixtures = new URL('../../../test/fixtures/attacker/', import.meta.url)
  const rsaPrivate = createPrivateKey(readFileSync(new URL('attacker-key.pem', fixtures)))
  const certificatePem = readFileSync(new URL('attacker-cert.pem', fixtures), 'utf8')
  const certificateDer = new X509Certificate(certificatePem).raw.toString('base64')
  const rsaJwk = { ...(createPublicKey(rsaPrivate).export({ format: 'jwk' }) as JWK), kid: 'attacker-rsa', alg: 'RS256', use: 'sig' }
  return { rsaPrivate, rsaJwk, certificateDer, certificatePem, ec }
}

/** Starts one issuer and one trap for a runner (core, or one adapter). */
export async function startCorpusFixtures(): Promise<CorpusFixtures> {
  const { keys, attacker } = await keyMaterial()
  const issuer = await startKeyServer({ keys: [keys.rsa, keys.es256, keys.es384, keys.es512] })
  const other = await startKeyServer({ keys: [keys.other] })
  const trap = await startTrap(attacker)
  const claims = (overrides: Record<string, unknown> = {}) => {
    const issuedAt = now()
    const base: Record<string, unknown> = {
      iss: issuer.issuer, aud: TEST_AUDIENCE, sub: 'client-1', client_id: 'client-1', iat: issuedAt, exp: issuedAt + 300, jti: `jti-${Math.random()}`, scope: 'read:data',
    }
    for (const [name, value] of Object.entries(overrides)) {
      if (value === undefined) delete base[name]
      else base[name] = value
    }
    return base
  }
  const rsaHeader = { alg: 'RS256', kid: keys.rsa.kid, typ: 'at+jwt' }
  return {
    issuer,
    other,
    keys,
    attacker,
    trap,
    secret: HMAC_SECRET,
    claims,
    issuerSigned: (payload = claims(), header = rsaHeader) => asymmetricSign(header, payload, keys.rsa.privateKey, 'RS256'),
    otherSigned: (payload = claims({ iss: other.issuer }), header = { alg: 'RS256', kid: keys.other.kid, typ: 'at+jwt' }) =>
      asymmetricSign(header, payload, keys.other.privateKey, 'RS256'),
    attackerSigned: (header, payload = claims()) => asymmetricSign(header, payload, attacker.rsaPrivate, 'RS256'),
    hmacSigned: (payload = claims(), header = { alg: 'HS256', typ: 'at+jwt' }) => hmacSign(header, payload, HMAC_SECRET),
    async close() {
      await issuer.close()
      await other.close()
      await trap.close()
    },
  }
}

async function startTrap(attacker: AttackerMaterial): Promise<TestServer> {
  let base = ''
  const trap = await startServer((req, res) => {
    const path = req.url.split('?')[0]
    const body =
      path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server'
        ? JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` })
        : path === '/jwks' ? JSON.stringify({ keys: [attacker.rsaJwk] }) : path === '/cert.pem' ? attacker.certificatePem : undefined
    if (body === undefined) res.writeHead(404).end()
    else res.writeHead(200, { 'content-type': path === '/cert.pem' ? 'application/pem-certificate-chain' : 'application/json' }).end(body)
  })
  base = trap.url
  return trap
}

/** Verifier options of each profile for a runner's fixtures. */
export function profileOptions(profile: ProfileName, f: CorpusFixtures): VerifierOptions | MultiIssuerOptions {
  const common = { issuer: f.issuer.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE }
  switch (profile) {
    case 'default':
      return common
    case 'rfc9068':
      return { ...common, profile: 'rfc9068' }
    case 'maxAge':
      return { ...common, maxTokenAge: `${MAX_TOKEN_AGE}s` as const }
    case 'hmac':
      return { ...common, secret: f.secret, algorithms: ['HS256'] }
    case 'multi':
      return { audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: [{ issuer: f.issuer.issuer }, { issuer: f.other.issuer }] }
    case 'multiResolver':
      return { audience: TEST_AUDIENCE, allowInsecureHttp: true, issuers: (iss) => (iss === f.issuer.issuer ? { issuer: iss } : undefined) }
  }
}

export const PROFILE_NAMES: readonly ProfileName[] = ['default', 'rfc9068', 'maxAge', 'hmac', 'multi', 'multiResolver']

/** How many verifiers of each runner fetch the first issuer's keys (every profile but `hmac`), and the second's. */
export const REMOTE_VERIFIERS = {
  issuer: PROFILE_NAMES.filter((profile) => profile !== 'hmac').length,
  other: PROFILE_NAMES.filter((profile) => profile === 'multi').length,
}

/**
 * Stops `Date` at the current instant (timers and I/O stay real) until `tracker.timers.reset()` (a test's
 * own `t.mock` resets by itself when the test ends): a clock-sensitive case is checked in the second its
 * token was minted in, however long a loaded machine takes between the two. Waiting for the start of a
 * second instead left a few hundred milliseconds, which a stalled process can spend.
 */
export function freezeDate(tracker: MockTracker): void {
  tracker.timers.enable({ apis: ['Date'], now: Date.now() })
}
