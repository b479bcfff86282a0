/**
 * One key, one algorithm (issue 12, finding 3; RFC 8725 §3.1). A key with `alg` verifies that algorithm
 * only (jose enforces it too); a key without `alg` — Entra ID publishes its RSA keys so — is bound to one
 * algorithm: the only one of the verifier's `algorithms` for that key, else the family default (RSA → RS256,
 * EC → its curve's ES*, Ed25519 → EdDSA). Run against core and over every adapter with a real key server.
 *
 * Before the fix (observed on main): the alg-less RSA key verified RS256, RS384, RS512 and PS256–PS512.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { generateSigningKey, startKeyServer, TEST_AUDIENCE, type KeyServer, type SigningKey } from '../support/key-server.js'
import { asymmetricSign } from './forge.js'
import { RUNNERS, type Outcome, type Runner } from './runners.js'

type Profile = 'default' | 'ps256Only' | 'rs256AndPs256' | 'ed25519Only'
const PROFILES: Record<Profile, { algorithms?: string[] }> = {
  default: {},
  ps256Only: { algorithms: ['PS256'] },
  rs256AndPs256: { algorithms: ['RS256', 'PS256'] },
  ed25519Only: { algorithms: ['Ed25519'] },
}

interface Keys {
  /** RSA without `alg`, Entra style. */
  bareRsa: SigningKey
  /** RSA declaring PS384. */
  declaredPs384: SigningKey
  bareEc: SigningKey
  ec384: SigningKey
  bareEd: { kid: string; privateKey: CryptoKey; publicJwk: JWK }
}

interface BindingCase {
  profile: Profile
  name: string
  token(keys: Keys, issuer: string): Promise<string>
  expect: Outcome
}

const withoutAlg = ({ alg: _alg, ...jwk }: JWK): JWK => jwk

function claimsFor(issuer: string) {
  const now = Math.floor(Date.now() / 1000)
  return { iss: issuer, aud: TEST_AUDIENCE, sub: 'client-1', client_id: 'client-1', iat: now, exp: now + 300, jti: `jti-${Math.random()}` }
}

const rsaBy = (key: 'bareRsa' | 'declaredPs384', alg: string) => async (keys: Keys, issuer: string) =>
  asymmetricSign({ alg, kid: keys[key].kid, typ: 'at+jwt' }, claimsFor(issuer), keys[key].privateKey, alg)
const edBy = (alg: 'EdDSA' | 'Ed25519') => async (keys: Keys, issuer: string) =>
  new SignJWT(claimsFor(issuer)).setProtectedHeader({ alg, kid: keys.bareEd.kid, typ: 'at+jwt' }).sign(keys.bareEd.privateKey)

const accepted: Outcome = { status: 200 }
const noKey: Outcome = { status: 401, reason: 'key_not_found' }
const notAllowed: Outcome = { status: 401, reason: 'algorithm_not_allowed' }

const CASES: readonly BindingCase[] = [
  { profile: 'default', name: 'alg-less RSA key: RS256 (the family default) verifies', token: rsaBy('bareRsa', 'RS256'), expect: accepted },
  ...['RS384', 'RS512', 'PS256', 'PS384', 'PS512'].map((alg): BindingCase => ({ profile: 'default', name: `alg-less RSA key: ${alg} by the same key is refused`, token: rsaBy('bareRsa', alg), expect: noKey })),
  { profile: 'default', name: 'RSA key declaring PS384: PS384 verifies', token: rsaBy('declaredPs384', 'PS384'), expect: accepted },
  { profile: 'default', name: 'RSA key declaring PS384: PS256 by the same key is refused', token: rsaBy('declaredPs384', 'PS256'), expect: noKey },
  { profile: 'default', name: 'RSA key declaring PS384: RS256 by the same key is refused', token: rsaBy('declaredPs384', 'RS256'), expect: noKey },
  {
    profile: 'default', name: 'alg-less P-256 key: ES256 verifies',
    token: async (keys, issuer) => asymmetricSign({ alg: 'ES256', kid: keys.bareEc.kid }, claimsFor(issuer), keys.bareEc.privateKey, 'ES256'), expect: accepted,
  },
  {
    profile: 'default', name: 'alg-less P-256 key: ES384 (another curve) naming it is refused',
    token: async (keys, issuer) => asymmetricSign({ alg: 'ES384', kid: keys.bareEc.kid }, claimsFor(issuer), keys.ec384.privateKey, 'ES384'), expect: noKey,
  },
  { profile: 'default', name: 'alg-less Ed25519 key: EdDSA (the family default) verifies', token: edBy('EdDSA'), expect: accepted },
  { profile: 'default', name: 'alg-less Ed25519 key: "Ed25519" is refused when both names are allowed', token: edBy('Ed25519'), expect: noKey },
  { profile: 'ps256Only', name: 'algorithms [PS256]: the alg-less RSA key verifies PS256', token: rsaBy('bareRsa', 'PS256'), expect: accepted },
  { profile: 'ps256Only', name: 'algorithms [PS256]: RS256 is not allowed', token: rsaBy('bareRsa', 'RS256'), expect: notAllowed },
  { profile: 'rs256AndPs256', name: 'algorithms [RS256, PS256]: the alg-less RSA key verifies RS256', token: rsaBy('bareRsa', 'RS256'), expect: accepted },
  { profile: 'rs256AndPs256', name: 'algorithms [RS256, PS256]: PS256 by the alg-less RSA key is refused', token: rsaBy('bareRsa', 'PS256'), expect: noKey },
  { profile: 'ed25519Only', name: 'algorithms [Ed25519]: the alg-less Ed25519 key verifies "Ed25519"', token: edBy('Ed25519'), expect: accepted },
  { profile: 'ed25519Only', name: 'algorithms [Ed25519]: EdDSA is not allowed', token: edBy('EdDSA'), expect: notAllowed },
]

let sharedKeys: Promise<Keys> | undefined
function keyMaterial(): Promise<Keys> {
  sharedKeys ??= (async () => {
    const [bareRsa, declaredPs384, bareEc, ec384, ed] = await Promise.all([
      generateSigningKey('RS256', 'entra-style-rsa'),
      generateSigningKey('RS256', 'declared-ps384'),
      generateSigningKey('ES256', 'bare-ec'),
      generateSigningKey('ES384', 'other-ec384'),
      generateKeyPair('Ed25519', { extractable: true }),
    ])
    const bareEd = { kid: 'bare-ed25519', privateKey: ed.privateKey, publicJwk: { ...(await exportJWK(ed.publicKey)), kid: 'bare-ed25519' } }
    // One RSA key pair signs every RSA algorithm in forge.ts; the published JWK is what declares PS384.
    return { bareRsa, declaredPs384: { ...declaredPs384, alg: 'PS384', publicJwk: { ...declaredPs384.publicJwk, alg: 'PS384' } }, bareEc, ec384, bareEd }
  })()
  return sharedKeys
}

for (const runner of RUNNERS) {
  describe(`one key, one algorithm: ${runner.name}`, () => {
    let server: KeyServer
    let keys: Keys
    const subjects = new Map<Profile, Runner>()
    before(async () => {
      keys = await keyMaterial()
      const publish = (key: SigningKey, jwk: JWK): SigningKey => ({ ...key, publicJwk: jwk })
      server = await startKeyServer({
        keys: [
          publish(keys.bareRsa, withoutAlg(keys.bareRsa.publicJwk)),
          keys.declaredPs384,
          publish(keys.bareEc, withoutAlg(keys.bareEc.publicJwk)),
          publish(keys.bareRsa, keys.bareEd.publicJwk),
        ],
      })
      for (const [profile, options] of Object.entries(PROFILES)) subjects.set(profile as Profile, await runner.start({ issuer: server.issuer, audience: TEST_AUDIENCE, ...options }))
    })
    after(async () => {
      for (const subject of subjects.values()) await subject.close()
      await server.close()
    })

    for (const c of CASES) {
      test(c.name, async () => {
        assert.deepEqual(await subjects.get(c.profile)!.present(await c.token(keys, server.issuer)), c.expect)
      })
    }
  })
}
