/**
 * The valid tokens the differential test mutates, of every algorithm family tokenguard verifies: RS256/384/512,
 * PS256/384/512, ES256/384/512 (and the high-s twin of each ES token, which verifies too), EdDSA and Ed25519,
 * HS256/384/512; each also with claims that fail (expired, not yet valid, too old, another audience or issuer,
 * a claim missing), and RSA and Ed25519 keys signing under an algorithm their key is not bound to. Keys are
 * fixed (test/fixtures/differential/keys.json) and so is the clock, so every run sees the same inputs.
 *
 * Each token comes with the setups it is verified under: a key set verifier allowing every asymmetric
 * algorithm, the same with the RFC 9068 profile and `maxTokenAge`, one allowing the token's algorithm only;
 * the key of the token's algorithm alone as the `publicKey` option (`public-key.ts`); the shared secret with
 * HS256/384/512, and (beyond what tokenguard configures) the secret resolver under an allowlist with
 * asymmetric algorithms too, so that its raw-bytes answer reaches the engines.
 */
import { constants, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { DEFAULT_ALGORITHMS } from '@tokenguard/core'
import type { JWK } from 'jose'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { issuerSetup, type IssuerSetup } from './differential-core.js'
import { assertSignaturesStored, storedSignature, storedValue } from './differential-signatures.js'
import { b64url, hmacSign, signingInput, withoutFirstSignatureByte } from './forge.js'

/** The fixed clock of every verification (jose's `currentDate`). */
export const CURRENT_DATE = new Date('2026-06-01T12:00:00Z')
const NOW = CURRENT_DATE.getTime() / 1000
export const ISSUER = 'https://differential.tokenguard.test'
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512']

export interface Target {
  /** What the token is, e.g. `ES384 high-s twin, expired`. */
  name: string
  /** The algorithm it is signed with (the family its mutants are counted under). */
  alg: string
  token: string
  /** The setups it is verified under (a mutant picks one). */
  setups: ReadonlyArray<{ name: string; setup: IssuerSetup }>
  /** Whether the unmodified token verifies under the first setup (which has no `maxTokenAge` and the lenient profile). */
  valid: boolean
}

interface FixtureFile {
  keys: Array<JWK & { kid: string; alg: string }>
  secret: string
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/differential/keys.json', import.meta.url), 'utf8')) as FixtureFile
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi'])
const publicJwk = (jwk: JWK) => Object.fromEntries(Object.entries(jwk).filter(([member]) => !PRIVATE_MEMBERS.has(member))) as JWK
const privateKeys = new Map(fixture.keys.map((jwk) => [jwk.kid, createPrivateKey({ key: jwk, format: 'jwk' })]))
export const SECRET = Buffer.from(fixture.secret, 'base64url')
export const PUBLIC_JWKS = { keys: fixture.keys.map(publicJwk) }
/** Every kid the key set has (kid swaps pick among them). */
export const KIDS: readonly string[] = fixture.keys.map((jwk) => jwk.kid)

// Claims that verify under every setup (RFC 9068 members included), and variants that each fail one check.
const VALID = { iss: ISSUER, aud: TEST_AUDIENCE, sub: 'client-1', client_id: 'client-1', iat: NOW - 60, exp: NOW + 600, jti: 'jti-1', scope: 'read:data' }
const VARIANTS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['valid', VALID],
  ['expired', { ...VALID, exp: NOW - 60 }],
  ['not yet valid', { ...VALID, nbf: NOW + 120 }],
  ['too old for maxTokenAge', { ...VALID, iat: NOW - 7200, exp: NOW + 600 }],
  ['another audience', { ...VALID, aud: 'https://other-api.tokenguard.test' }],
  ['another issuer', { ...VALID, iss: 'https://attacker.tokenguard.test' }],
  ['no exp', { ...VALID, exp: undefined }],
  ['no sub', { ...VALID, sub: undefined }],
  ['exp as a string', { ...VALID, exp: String(NOW + 600) }],
]
/** The variants a setup without `maxTokenAge` and without the RFC 9068 profile accepts. */
const LENIENTLY_VALID = new Set(['valid', 'too old for maxTokenAge', 'no sub'])

const PSS = constants.RSA_PKCS1_PSS_PADDING

/** A fresh signature of `input` by `key` under `alg`'s real scheme (Ed25519 included, which forge.ts does not sign). */
function rawSignature(key: KeyObject, alg: string, input: string, saltLength?: number): Buffer {
  const data = Buffer.from(input)
  if (alg === 'EdDSA' || alg === 'Ed25519') return sign(null, data, key)
  const digest = `sha${alg.slice(2)}`
  if (alg.startsWith('ES')) return sign(digest, data, { key, dsaEncoding: 'ieee-p1363' })
  if (alg.startsWith('PS')) return sign(digest, data, { key, padding: PSS, saltLength: saltLength ?? Number(alg.slice(2)) / 8 })
  return sign(digest, data, key)
}

/** A token signed by the fixture key `header.kid` under `alg`; randomized schemes (ES, PS) give their kept signature. */
function signed(header: { alg: string; kid: string; typ: string }, payload: object, alg = header.alg, saltLength?: number): string {
  const input = signingInput(header, payload)
  const make = () => rawSignature(privateKeys.get(header.kid)!, alg, input, saltLength)
  const signature = /^(ES|PS)/.test(alg) ? storedSignature(header.kid, saltLength === undefined ? alg : `${alg} salt ${saltLength}`, input, make) : make()
  return `${input}.${b64url(signature)}`
}

/** A valid token of `kid` whose signature starts with a zero byte (the claim that does it is found once and kept). */
function leadingZeroToken(kid: string, alg: string): string {
  const header = { alg, kid, typ: 'at+jwt' }
  const jti = storedValue(`${kid} ${alg} leading-zero jti`, () => {
    for (let i = 0; ; i++) {
      const input = signingInput(header, { ...VALID, jti: `zero-${i}` })
      const signature = rawSignature(privateKeys.get(kid)!, alg, input)
      if (signature[0] !== 0) continue
      if (alg.startsWith('PS')) storedSignature(kid, alg, input, () => signature)
      return `zero-${i}`
    }
  })
  return signed(header, { ...VALID, jti })
}

// Curve order n and half-length of each ECDSA algorithm (RFC 7518 §3.4; SEC 2).
export const ECDSA: Readonly<Record<string, { size: number; n: bigint }>> = {
  ES256: { size: 32, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  ES384: { size: 48, n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n },
  ES512: { size: 66, n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n },
}

/** The ECDSA twin: (r, s) → (r, n − s), which verifies as well. */
export function highSTwin(token: string, alg: string): string {
  const curve = ECDSA[alg]!
  const dot = token.lastIndexOf('.')
  const signature = Buffer.from(token.slice(dot + 1), 'base64url')
  const s = BigInt(`0x${signature.subarray(curve.size).toString('hex')}`)
  const twin = Buffer.from((curve.n - s).toString(16).padStart(curve.size * 2, '0'), 'hex')
  return `${token.slice(0, dot + 1)}${b64url(Buffer.concat([signature.subarray(0, curve.size), twin]))}`
}

const withoutUndefined = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined))

function setups(alg: string) {
  const common = { issuer: ISSUER, audience: TEST_AUDIENCE }
  if (HMAC_ALGORITHMS.includes(alg)) {
    const hmac = issuerSetup({ ...common, secret: SECRET, algorithms: HMAC_ALGORITHMS }, CURRENT_DATE)
    const mixed = { ...hmac, options: { ...hmac.options, algorithms: [...DEFAULT_ALGORITHMS, ...HMAC_ALGORITHMS] } }
    return [{ name: 'secret, HS256/384/512', setup: hmac }, { name: 'secret, every algorithm allowed (beyond production)', setup: mixed }]
  }
  return [
    { name: 'key set, every asymmetric algorithm', setup: issuerSetup({ ...common, jwks: PUBLIC_JWKS }, CURRENT_DATE) },
    { name: 'key set, RFC 9068 profile, maxTokenAge 1h', setup: issuerSetup({ ...common, jwks: PUBLIC_JWKS, profile: 'rfc9068', maxTokenAge: '1h' }, CURRENT_DATE) },
    { name: `key set, ${alg} only`, setup: issuerSetup({ ...common, jwks: PUBLIC_JWKS, algorithms: [alg] }, CURRENT_DATE) },
    { name: `publicKey (SPKI PEM of ${kidFor(alg)}), ${alg}`, setup: issuerSetup({ ...common, publicKey: publicPem(kidFor(alg)), algorithms: [alg] }, CURRENT_DATE) },
  ]
}

/** The fixture key bound to `alg` (the first one, when two are). */
const kidFor = (alg: string) => fixture.keys.find((jwk) => jwk.alg === alg)!.kid
const publicPem = (kid: string) => createPublicKey(privateKeys.get(kid)!).export({ type: 'spki', format: 'pem' }) as string

const setupsByAlg = new Map<string, ReturnType<typeof setups>>()
const setupsFor = (alg: string) => setupsByAlg.get(alg) ?? setupsByAlg.set(alg, setups(alg)).get(alg)!

/** Every target: each algorithm × each claims variant, the ES high-s twins, and keys signing under another algorithm of their family. */
export function createTargets(): Target[] {
  const targets: Target[] = []
  const add = (name: string, token: string, alg: string, valid: boolean) => targets.push({ name, alg, token, setups: setupsFor(alg), valid })
  for (const jwk of fixture.keys) {
    for (const [variant, claims] of VARIANTS) {
      const token = signed({ alg: jwk.alg, kid: jwk.kid, typ: 'at+jwt' }, withoutUndefined(claims))
      add(`${jwk.alg}, ${variant}`, token, jwk.alg, LENIENTLY_VALID.has(variant))
      if (jwk.alg in ECDSA) add(`${jwk.alg} high-s twin, ${variant}`, highSTwin(token, jwk.alg), jwk.alg, LENIENTLY_VALID.has(variant))
    }
  }
  for (const alg of HMAC_ALGORITHMS) {
    for (const [variant, claims] of VARIANTS) add(`${alg}, ${variant}`, hmacSign({ alg, typ: 'at+jwt' }, withoutUndefined(claims), SECRET, `sha${alg.slice(2)}`), alg, LENIENTLY_VALID.has(variant))
  }
  // A key used under an algorithm of its family it is not bound to: the resolver must find no key for it.
  for (const [kid, algs] of [['diff-RS256', ['RS384', 'RS512', 'PS256', 'PS384', 'PS512']], ['diff-PS256', ['RS256', 'PS384']], ['diff-EdDSA', ['Ed25519']], ['diff-Ed25519', ['EdDSA']]] as const) {
    for (const alg of algs) add(`${kid} key signing ${alg}`, signed({ alg, kid, typ: 'at+jwt' }, VALID), alg, false)
  }
  // RSA-PSS with another salt length than the hash's (RFC 7518 §3.5): an engine that auto-detects it would accept.
  for (const alg of ['PS256', 'PS384', 'PS512']) {
    for (const [what, saltLength] of [['no salt', 0], ['the longest salt', constants.RSA_PSS_SALTLEN_MAX_SIGN]] as const) {
      add(`${alg} signed with ${what}`, signed({ alg, kid: kidFor(alg), typ: 'at+jwt' }, VALID, alg, saltLength), alg, false)
    }
  }
  // A signature one byte short of the modulus: RFC 8017 (§8.1.2, §8.2.2 step 1) says invalid. OpenSSL, under
  // both engines, refuses it for PKCS #1 v1.5 but accepts it for PSS, so both engines accept the PSS one here;
  // core's one verifyJwt (`jwt-verify.ts`) refuses it after either engine (`rsa-signature-length.ts`).
  for (const alg of ['RS256', 'PS256']) {
    const token = leadingZeroToken(kidFor(alg), alg)
    add(`${alg} whose signature starts with a zero byte`, token, alg, true)
    add(`${alg} whose signature starts with a zero byte, that byte stripped`, withoutFirstSignatureByte(token), alg, alg.startsWith('PS'))
  }
  assertSignaturesStored()
  return targets
}
