/**
 * Issue 17 item 3: one fixed key given as PEM (SPKI or X.509) or as a single JWK — the `publicKey` option
 * express-oauth2-jwt-bearer users rely on. No network; one key verifies one algorithm (RFC 8725 §3.1);
 * every form mistake is refused at startup, and a key that cannot be imported fails `ready()` and answers
 * 503 `keys_misconfigured`, never a verdict on the token.
 */
import assert from 'node:assert/strict'
import { createPublicKey, createPrivateKey } from 'node:crypto'
import { before, describe, test } from 'node:test'
import { createVerifier, isConfigurationError, type MultiIssuerOptions, type VerifierOptions } from '@tokenguard/core'
import { exportJWK, exportSPKI, importJWK, type CryptoKey } from 'jose'
import { LOCALHOST_CERT, LOCALHOST_KEY } from '../support/https-issuer.js'
import { generateSigningKey, TEST_AUDIENCE, type SigningKey } from '../support/key-server.js'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'
import { expectRefusal } from '../support/refusal.js'

let rsa: SigningKey
let other: SigningKey
let spki: string
before(async () => {
  rsa = await generateSigningKey('RS256', 'rsa-1')
  other = await generateSigningKey('RS256', 'rsa-2')
  spki = await exportSPKI((await importJWK(rsa.publicJwk, 'RS256')) as CryptoKey)
})

// LOCAL_ISSUER does not resolve: a verifier that tried the network would answer 503, not accept.
const fixed = (extra: Partial<VerifierOptions>) => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, ...extra } as VerifierOptions)

function refusedAtStartup(extra: Record<string, unknown>, option: string, message: RegExp): void {
  assert.throws(() => fixed(extra), (error: unknown) => {
    assert.ok(isConfigurationError(error), `a ConfigurationError, got ${String(error)}`)
    assert.equal(error.option, option)
    assert.match(error.message, message)
    return true
  })
}

describe('issue 17 item 3: publicKey, the three forms', () => {
  test('a PEM SPKI public key with its one algorithm verifies tokens, with no network', async () => {
    const verifier = fixed({ publicKey: spki, algorithms: ['RS256'] })
    await verifier.ready()
    const auth = await verifier.verify(await signToken(rsa))
    assert.equal(auth.claims.sub, 'client-1')
    assert.deepEqual(verifier.settings.algorithms, ['RS256'])
  })

  test('an X.509 certificate: its key verifies (ES256, the fixture certificate and key)', async () => {
    const es256 = { kid: 'cert', alg: 'ES256', privateKey: createPrivateKey(LOCALHOST_KEY) as unknown as CryptoKey, publicJwk: {} }
    const verifier = fixed({ publicKey: LOCALHOST_CERT, algorithms: ['ES256'] })
    await verifier.ready()
    await verifier.verify(await signToken(es256))
  })

  test('a single JWK: its "alg" is the algorithm; without one, "algorithms" names it', async () => {
    await fixed({ publicKey: rsa.publicJwk }).verify(await signToken(rsa))
    const { alg: _alg, ...withoutAlg } = rsa.publicJwk
    await fixed({ publicKey: withoutAlg, algorithms: ['RS256'] }).verify(await signToken(rsa))
    await fixed({ publicKey: rsa.publicJwk, algorithms: ['RS256'] }).verify(await signToken(rsa))
  })

  test('a token signed by another key is refused: signature_invalid (PEM), key_not_found (JWK with another kid)', async () => {
    await expectRefusal(fixed({ publicKey: spki, algorithms: ['RS256'] }).verify(await signToken(other)), 'signature_invalid', 401)
    await expectRefusal(fixed({ publicKey: rsa.publicJwk }).verify(await signToken(other)), 'key_not_found', 401)
  })

  test('a JWK with a kid accepts a token without one (the signature decides), and refuses another kid', async () => {
    const verifier = fixed({ publicKey: rsa.publicJwk })
    await verifier.verify(await signToken(rsa, {}, { header: { kid: undefined } }))
    await expectRefusal(verifier.verify(await signToken(rsa, {}, { header: { kid: 'elsewhere' } })), 'key_not_found', 401)
  })

  test('one key, one algorithm: the same RSA key signing PS256 is refused when RS256 was named', async () => {
    const ps256 = { ...rsa, alg: 'PS256', privateKey: (await importJWK({ ...(await exportJWK(rsa.privateKey)), alg: 'PS256' }, 'PS256')) as CryptoKey }
    await expectRefusal(fixed({ publicKey: spki, algorithms: ['RS256'] }).verify(await signToken(ps256)), 'algorithm_not_allowed', 401)
  })
})

describe('issue 17 item 3: publicKey mistakes are refused at startup, naming the fix', () => {
  test('PEM without an algorithm, or with two', () => {
    refusedAtStartup({ publicKey: spki }, 'algorithms', /"publicKey" needs its algorithm — one key verifies one algorithm \(RFC 8725 §3\.1\)/)
    refusedAtStartup({ publicKey: spki, algorithms: ['RS256', 'PS256'] }, 'algorithms', /lists exactly one algorithm/)
    refusedAtStartup({ publicKey: spki, algorithms: 'RS256' }, 'algorithms', /must be an array of algorithm names, not a string — write algorithms: \["RS256"\]/)
  })

  test('an algorithm that contradicts the JWK, an HMAC one, an unknown one', () => {
    refusedAtStartup({ publicKey: rsa.publicJwk, algorithms: ['PS256'] }, 'algorithms', /contradicts the JWK's "alg" "RS256"/)
    refusedAtStartup({ publicKey: spki, algorithms: ['HS256'] }, 'algorithms', /asymmetric algorithm .*HMAC tokens take "secret"/)
    refusedAtStartup({ publicKey: spki, algorithms: ['none'] }, 'algorithms', /asymmetric algorithm/)
  })

  test('private keys, PKCS#1, JWK Sets, symmetric JWKs, chains and non-PEM strings', () => {
    refusedAtStartup({ publicKey: LOCALHOST_KEY, algorithms: ['ES256'] }, 'publicKey', /is a private key \(PRIVATE KEY\): give its public key/)
    const pkcs1 = createPublicKey(spki).export({ type: 'pkcs1', format: 'pem' }).toString()
    refusedAtStartup({ publicKey: pkcs1, algorithms: ['RS256'] }, 'publicKey', /PKCS#1 RSA key .* convert it to SPKI/)
    refusedAtStartup({ publicKey: { keys: [rsa.publicJwk] } }, 'publicKey', /is a JWK Set: give it as "jwks"/)
    refusedAtStartup({ publicKey: { kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' } }, 'publicKey', /symmetric key .* "secret"/)
    refusedAtStartup({ publicKey: { ...rsa.publicJwk, d: 'x' } }, 'publicKey', /is a private key \(it has "d"\)/)
    refusedAtStartup({ publicKey: { ...rsa.publicJwk, use: 'enc' } }, 'publicKey', /not a signature key/)
    refusedAtStartup({ publicKey: `${LOCALHOST_CERT}\n${LOCALHOST_CERT}`, algorithms: ['ES256'] }, 'publicKey', /2 PEM blocks: give the one key/)
    refusedAtStartup({ publicKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', algorithms: ['RS256'] }, 'publicKey', /no PEM block/)
    refusedAtStartup({ publicKey: 42, algorithms: ['RS256'] }, 'publicKey', /must be a PEM string or a public JWK object; got number 42/)
  })

  test('publicKey with another key source, and at the top level of several issuers', () => {
    refusedAtStartup({ publicKey: spki, algorithms: ['RS256'], jwks: { keys: [rsa.publicJwk] } }, 'publicKey', /give at most one of/)
    assert.throws(
      () => createVerifier({ audience: TEST_AUDIENCE, publicKey: spki, issuers: [{ issuer: LOCAL_ISSUER }] } as unknown as MultiIssuerOptions),
      /publicKey belong in each issuer's entry/,
    )
  })
})

describe('issue 17 item 3: a key that cannot be imported is a misconfiguration, not a verdict', () => {
  test('armour around garbage: ready() rejects with a ConfigurationError, requests are 503 keys_misconfigured', async () => {
    const broken = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----'
    const verifier = fixed({ publicKey: broken, algorithms: ['RS256'] })
    const error = await verifier.ready().then(() => undefined, (failure: unknown) => failure)
    assert.ok(isConfigurationError(error), String(error))
    assert.equal(error.option, 'publicKey')
    assert.match(error.message, /the PEM public key in "publicKey" cannot be used for RS256/)
    const refusal = await expectRefusal(verifier.verify(await signToken(rsa)), 'keys_misconfigured', 503)
    assert.equal(refusal.cause, error)
  })

  test('a certificate whose key is not of the named algorithm (EC certificate, RS256)', async () => {
    const error = await fixed({ publicKey: LOCALHOST_CERT, algorithms: ['RS256'] }).ready().then(() => undefined, (failure: unknown) => failure)
    assert.ok(isConfigurationError(error), String(error))
    assert.match(error.message, /the certificate in "publicKey" cannot be used for RS256/)
  })
})

describe('issue 17 item 3: publicKey per issuer', () => {
  test('each issuer entry may bring its own fixed key; keys never cross issuers', async () => {
    const a = 'https://a.tokenguard.test'
    const b = 'https://b.tokenguard.test'
    const verifier = createVerifier({ audience: TEST_AUDIENCE, issuers: [{ issuer: a, publicKey: spki, algorithms: ['RS256'] }, { issuer: b, publicKey: other.publicJwk }] })
    await verifier.verify(await signToken(rsa, { iss: a }))
    await verifier.verify(await signToken(other, { iss: b }))
    await expectRefusal(verifier.verify(await signToken(rsa, { iss: b })), 'key_not_found', 401)
    await expectRefusal(verifier.verify(await signToken(other, { iss: a }, { header: { kid: undefined } })), 'signature_invalid', 401)
  })
})
