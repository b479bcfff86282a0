/**
 * Attacks on the signature and on key selection: `alg: none`, stripped and degenerate signatures,
 * RS→HS confusion, keys smuggled in the header (`jwk`, `jku`, `x5u`, `x5c`), attacker issuers, `kid`
 * injection, ECDSA "psychic signatures" (CVE-2022-21449), an algorithm the key is not for, and
 * signature-encoding malleability.
 */
import { createPublicKey, KeyObject, type webcrypto } from 'node:crypto'
import type { CryptoKey } from 'jose'
import type { AttackCase, CorpusFixtures } from './corpus-fixtures.js'
import { asymmetricSign, b64url, derEcdsaSign, hmacSign, splitToken, withSignature } from './forge.js'

const GARBAGE = Buffer.from('this is not a signature, just bytes an attacker chose')
const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE']

// Curve orders n (SEC 2 / FIPS 186-4 D.1.2), big-endian, padded to the JOSE signature half-length.
const CURVES = [
  { alg: 'ES256', key: 'es256', size: 32, order: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551' },
  { alg: 'ES384', key: 'es384', size: 48, order: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973' },
  {
    alg: 'ES512', key: 'es512', size: 66,
    order: '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
  },
] as const

function publicPem(key: CryptoKey): string {
  return createPublicKey(KeyObject.from(key as unknown as webcrypto.CryptoKey)).export({ type: 'spki', format: 'pem' }) as string
}

const rsaPem = (f: CorpusFixtures) => publicPem(f.keys.rsa.privateKey)
const rsaJwkText = (f: CorpusFixtures) => JSON.stringify(f.keys.rsa.publicJwk)
const rsaModulus = (f: CorpusFixtures) => Buffer.from(f.keys.rsa.publicJwk.n!, 'base64url')

function noneCases(): AttackCase[] {
  const cases: AttackCase[] = []
  for (const alg of NONE_SPELLINGS) {
    cases.push({ name: `alg "${alg}" with an empty signature`, token: (f) => withSignature({ alg, typ: 'at+jwt' }, f.claims(), ''), expect: 'algorithm_not_allowed' })
    cases.push({ name: `alg "${alg}" with a garbage signature`, token: (f) => withSignature({ alg, typ: 'at+jwt' }, f.claims(), GARBAGE), expect: 'algorithm_not_allowed' })
  }
  return [
    ...cases,
    { name: 'alg "none" naming the issuer\'s kid', token: (f) => withSignature({ alg: 'none', kid: f.keys.rsa.kid }, f.claims(), ''), expect: 'algorithm_not_allowed' },
    { name: 'alg "none" against an HS256 verifier', profile: 'hmac', token: (f) => withSignature({ alg: 'none' }, f.claims(), ''), expect: 'algorithm_not_allowed' },
    { name: 'alg "NONE" with garbage against an HS256 verifier', profile: 'hmac', token: (f) => withSignature({ alg: 'NONE' }, f.claims(), GARBAGE), expect: 'algorithm_not_allowed' },
    { name: 'no alg at all', token: (f) => f.issuerSigned(f.claims(), { kid: f.keys.rsa.kid }), expect: 'token_malformed' },
    { name: 'alg null', token: (f) => f.issuerSigned(f.claims(), { alg: null, kid: f.keys.rsa.kid }), expect: 'token_malformed' },
    { name: 'alg as an array', token: (f) => f.issuerSigned(f.claims(), { alg: ['RS256'], kid: f.keys.rsa.kid }), expect: 'token_malformed' },
    { name: 'alg "rs256" (wrong case)', token: (f) => f.issuerSigned(f.claims(), { alg: 'rs256', kid: f.keys.rsa.kid }), expect: 'algorithm_not_allowed' },
    { name: 'alg "RS256 " (trailing space)', token: (f) => f.issuerSigned(f.claims(), { alg: 'RS256 ', kid: f.keys.rsa.kid }), expect: 'algorithm_not_allowed' },
  ]
}

function strippedSignatureCases(): AttackCase[] {
  const parts = async (f: CorpusFixtures) => splitToken(await f.issuer.mint())
  return [
    { name: 'valid token with its signature emptied', token: async (f) => { const [h, p] = await parts(f); return `${h}.${p}.` }, expect: 'signature_invalid' },
    {
      name: 'valid token with its signature cut to half its bytes',
      token: async (f) => { const [h, p, s] = await parts(f); const bytes = Buffer.from(s, 'base64url'); return `${h}.${p}.${b64url(bytes.subarray(0, bytes.length / 2))}` },
      expect: 'signature_invalid',
    },
    { name: 'valid token with a one-character signature', token: async (f) => { const [h, p] = await parts(f); return `${h}.${p}.A` }, expect: 'token_malformed' },
    { name: 'valid token without signature and separator', token: async (f) => { const [h, p] = await parts(f); return `${h}.${p}` }, expect: 'token_malformed' },
    {
      name: 'signature transplanted from another valid token',
      token: async (f) => { const [h, p] = await parts(f); const [, , s] = await parts(f); return `${h}.${p}.${s}` },
      expect: 'signature_invalid',
    },
  ]
}

function confusionCases(): AttackCase[] {
  const hs = (alg: string, hash: string, secret: (f: CorpusFixtures) => string | Uint8Array) => (f: CorpusFixtures) =>
    hmacSign({ alg, kid: f.keys.rsa.kid, typ: 'at+jwt' }, f.claims(), secret(f), hash)
  return [
    { name: 'RS→HS: HS256 keyed with the RSA public key as PEM (SPKI) text', token: hs('HS256', 'sha256', rsaPem), expect: 'algorithm_not_allowed' },
    { name: 'RS→HS: HS256 keyed with the RSA public key as JWK JSON text', token: hs('HS256', 'sha256', rsaJwkText), expect: 'algorithm_not_allowed' },
    { name: 'RS→HS: HS256 keyed with the raw modulus bytes', token: hs('HS256', 'sha256', rsaModulus), expect: 'algorithm_not_allowed' },
    { name: 'RS→HS: HS384 keyed with the PEM text', token: hs('HS384', 'sha384', rsaPem), expect: 'algorithm_not_allowed' },
    { name: 'RS→HS: HS512 keyed with the PEM text', token: hs('HS512', 'sha512', rsaPem), expect: 'algorithm_not_allowed' },
    {
      name: 'ES→HS: HS256 keyed with the EC public key PEM',
      token: (f) => hmacSign({ alg: 'HS256', kid: f.keys.es256.kid }, f.claims(), publicPem(f.keys.es256.privateKey)),
      expect: 'algorithm_not_allowed',
    },
    { name: 'HS256 verifier: token keyed with the RSA public key PEM', profile: 'hmac', token: (f) => hmacSign({ alg: 'HS256' }, f.claims(), rsaPem(f)), expect: 'signature_invalid' },
    { name: 'HS256 verifier: token keyed with the RSA JWK text', profile: 'hmac', token: (f) => hmacSign({ alg: 'HS256' }, f.claims(), rsaJwkText(f)), expect: 'signature_invalid' },
    { name: 'HS256 verifier: token keyed with an empty secret', profile: 'hmac', token: (f) => hmacSign({ alg: 'HS256' }, f.claims(), ''), expect: 'signature_invalid' },
    { name: 'HS256 verifier: an RS256 token from the real issuer', profile: 'hmac', token: (f) => f.issuerSigned(), expect: 'algorithm_not_allowed' },
    { name: 'HS256 verifier: HS384 with the right secret (not allowed)', profile: 'hmac', token: (f) => hmacSign({ alg: 'HS384' }, f.claims(), f.secret, 'sha384'), expect: 'algorithm_not_allowed' },
    { name: 'HS256 verifier: control, HS256 with the right secret', profile: 'hmac', token: (f) => f.hmacSigned(), expect: 'accepted' },
  ]
}

function smuggledKeyCases(): AttackCase[] {
  const trap = (f: CorpusFixtures, path: string) => `${f.trap.url}${path}`
  const attackerJwk = (f: CorpusFixtures) => f.attacker.rsaJwk
  return [
    { name: 'embedded jwk (attacker key), kid of the issuer key', token: (f) => f.attackerSigned({ alg: 'RS256', kid: f.keys.rsa.kid, jwk: attackerJwk(f) }), expect: 'signature_invalid' },
    { name: 'embedded jwk (attacker key), kid of the embedded key', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'attacker-rsa', jwk: attackerJwk(f) }), expect: 'key_not_found' },
    { name: 'embedded jwk (attacker key), no kid', token: (f) => f.attackerSigned({ alg: 'RS256', jwk: attackerJwk(f) }), expect: 'signature_invalid' },
    {
      name: 'embedded EC jwk (attacker key) on ES256, kid of the issuer key',
      token: (f) => {
        const { kid: _kid, ...jwk } = f.attacker.ec.publicJwk
        return asymmetricSign({ alg: 'ES256', kid: f.keys.es256.kid, jwk }, f.claims(), f.attacker.ec.privateKey, 'ES256')
      },
      expect: 'signature_invalid',
    },
    { name: 'jku to the trap, kid of the trap key', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'attacker-rsa', jku: trap(f, '/jwks') }), expect: 'key_not_found' },
    { name: 'jku to the trap, kid of the issuer key', token: (f) => f.attackerSigned({ alg: 'RS256', kid: f.keys.rsa.kid, jku: trap(f, '/jwks') }), expect: 'signature_invalid' },
    { name: 'x5u to the trap certificate, no kid', token: (f) => f.attackerSigned({ alg: 'RS256', x5u: trap(f, '/cert.pem') }), expect: 'signature_invalid' },
    { name: 'x5c with the attacker certificate, no kid', token: (f) => f.attackerSigned({ alg: 'RS256', x5c: [f.attacker.certificateDer] }), expect: 'signature_invalid' },
    { name: 'x5c with the attacker certificate, attacker kid', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'attacker-rsa', x5c: [f.attacker.certificateDer] }), expect: 'key_not_found' },
    { name: 'iss of the trap, attacker key and kid (issue 11 case 9: refused on its iss, before any key lookup)', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'attacker-rsa' }, f.claims({ iss: f.trap.url })), expect: 'issuer_mismatch' },
    { name: 'iss of the trap with jku, no kid', token: (f) => f.attackerSigned({ alg: 'RS256', jku: trap(f, '/jwks') }, f.claims({ iss: f.trap.url })), expect: 'issuer_mismatch' },
    { name: 'iss of the trap, signed by the real issuer', token: (f) => f.issuerSigned(f.claims({ iss: f.trap.url })), expect: 'issuer_mismatch' },
  ]
}

function kidInjectionCases(): AttackCase[] {
  const kids: Array<[string, unknown]> = [
    ['path traversal', '../../../../../../etc/passwd'],
    ['path traversal to /dev/null', '../../../../dev/null'],
    ['encoded path traversal', '%2e%2e%2f%2e%2e%2fkeys'],
    ['SQL injection', "' OR '1'='1"],
    ['SQL statement', "x'; DROP TABLE keys; --"],
    ['lookup string', '${jndi:ldap://127.0.0.1:1/a}'],
    ['NUL byte after the real kid', 'issuer-rsa\u0000'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['empty string', ''],
    ['5000 characters', 'k'.repeat(5000)],
    ['a number', 123],
    ['an object', { $ne: null }],
    ['null', null],
    ['an array', ['issuer-rsa']],
    ['true', true],
  ]
  return [
    ...kids.map(([label, kid]): AttackCase => ({ name: `kid injection: ${label}`, token: (f) => f.attackerSigned({ alg: 'RS256', kid }), expect: 'key_not_found' })),
    { name: 'kid injection: 10 kB string (over the size limit)', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'k'.repeat(10 * 1024) }), expect: 'token_too_large' },
  ]
}

function ecdsaCases(): AttackCase[] {
  const cases: AttackCase[] = []
  for (const curve of CURVES) {
    const order = Buffer.from(curve.order, 'hex')
    const forged = (signature: Buffer) => (f: CorpusFixtures) => withSignature({ alg: curve.alg, kid: f.keys[curve.key].kid, typ: 'at+jwt' }, f.claims(), signature)
    cases.push(
      { name: `${curve.alg} psychic signature r = s = 0 (CVE-2022-21449)`, token: forged(Buffer.alloc(curve.size * 2)), expect: 'signature_invalid' },
      { name: `${curve.alg} signature of all 0xff`, token: forged(Buffer.alloc(curve.size * 2, 0xff)), expect: 'signature_invalid' },
      { name: `${curve.alg} signature r = s = n`, token: forged(Buffer.concat([order, order])), expect: 'signature_invalid' },
    )
  }
  return [
    ...cases,
    { name: 'ES256 signature by the real key, DER-encoded', token: (f) => derEcdsaSign({ alg: 'ES256', kid: f.keys.es256.kid }, f.claims(), f.keys.es256.privateKey, 'ES256'), expect: 'signature_invalid' },
    {
      name: 'ES256 signature by the real key, last byte dropped',
      token: (f) => { const [h, p, s] = splitToken(asymmetricSign({ alg: 'ES256', kid: f.keys.es256.kid }, f.claims(), f.keys.es256.privateKey, 'ES256')); return `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 63).toString('base64url')}` },
      expect: 'signature_invalid',
    },
    { name: 'control: ES512 signed by the real key', token: (f) => asymmetricSign({ alg: 'ES512', kid: f.keys.es512.kid }, f.claims(), f.keys.es512.privateKey, 'ES512'), expect: 'accepted' },
  ]
}

function keyMismatchCases(): AttackCase[] {
  return [
    { name: 'ES256 header on the RSA kid', token: (f) => asymmetricSign({ alg: 'ES256', kid: f.keys.rsa.kid }, f.claims(), f.attacker.ec.privateKey, 'ES256'), expect: 'key_not_found' },
    { name: 'RS256 header on an EC kid', token: (f) => f.attackerSigned({ alg: 'RS256', kid: f.keys.es256.kid }), expect: 'key_not_found' },
    { name: 'EdDSA header on the RSA kid', token: (f) => withSignature({ alg: 'EdDSA', kid: f.keys.rsa.kid }, f.claims(), Buffer.alloc(64)), expect: 'key_not_found' },
    {
      name: 'RS384 by the real RSA key whose JWK says RS256',
      token: (f) => asymmetricSign({ alg: 'RS384', kid: f.keys.rsa.kid }, f.claims(), f.keys.rsa.privateKey, 'RS384'),
      expect: 'key_not_found',
    },
    {
      name: 'PS256 by the real RSA key whose JWK says RS256',
      token: (f) => asymmetricSign({ alg: 'PS256', kid: f.keys.rsa.kid }, f.claims(), f.keys.rsa.privateKey, 'PS256'),
      expect: 'key_not_found',
    },
    {
      name: 'ES384 header on the ES256 kid (other curve)',
      token: (f) => asymmetricSign({ alg: 'ES384', kid: f.keys.es256.kid }, f.claims(), f.keys.es384.privateKey, 'ES384'),
      expect: 'key_not_found',
    },
  ]
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Sets an unused low bit of the last character: same bytes once decoded, different text. */
export function flipUnusedBit(encoded: string): string {
  if (encoded.length % 4 === 0) throw new TypeError('no unused bits in a segment whose length is a multiple of 4')
  const last = BASE64URL.indexOf(encoded.at(-1)!)
  return `${encoded.slice(0, -1)}${BASE64URL[last ^ 1]}`
}

/**
 * The signature segment is the one part of a token its signature does not cover: any other spelling of
 * the same bytes is a different token string that verifies (malleability). RFC 7515 §2 base64url has no
 * padding, no whitespace and no stray bits.
 */
function encodingCases(): AttackCase[] {
  const parts = async (f: CorpusFixtures) => splitToken(await f.issuer.mint())
  return [
    { name: 'valid token with "=" padding appended to its signature', token: async (f) => `${await f.issuer.mint()}==`, expect: 'token_malformed' },
    { name: 'valid token with stray bits in the last signature character', token: async (f) => { const [h, p, s] = await parts(f); return `${h}.${p}.${flipUnusedBit(s)}` }, expect: 'token_malformed' },
    { name: 'valid token with spaces inside its signature', token: async (f) => { const [h, p, s] = await parts(f); return `${h}.${p}.${s.slice(0, 8)}  ${s.slice(8)}` }, expect: 'token_malformed' },
    {
      name: 'valid token with its signature in the base64 (not base64url) alphabet',
      token: async (f) => {
        let token = await f.issuer.mint()
        while (!/[-_]/.test(splitToken(token)[2])) token = await f.issuer.mint() // a signature with no - or _ proves nothing
        const [h, p, s] = splitToken(token)
        return `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`
      },
      expect: 'token_malformed',
    },
  ]
}

export const SIGNATURE_CASES: readonly AttackCase[] = [
  ...noneCases(),
  ...strippedSignatureCases(),
  ...confusionCases(),
  ...smuggledKeyCases(),
  ...kidInjectionCases(),
  ...ecdsaCases(),
  ...keyMismatchCases(),
  ...encodingCases(),
]
