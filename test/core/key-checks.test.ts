/**
 * The key checks' boundaries (issue 12, finding 10): what must pass (keys real generators make, RSA from
 * 2048 bits, e = 3 and 65537, every NIST curve, Ed25519) and what must not (2047 bits), with the second
 * lines of defence in jose and WebCrypto pinned, so that a dependency upgrade cannot silently drop them.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { describe, test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose'
import { LOCAL_ISSUER, signToken } from '../support/local-tokens.js'
import { TEST_AUDIENCE } from '../support/key-server.js'
import { asymmetricSign } from '../security/forge.js'

const localVerifier = (keys: JWK[], algorithms?: string[]) => createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, jwks: { keys }, ...(algorithms ? { algorithms } : {}) })
const claims = () => ({ iss: LOCAL_ISSUER, aud: TEST_AUDIENCE, sub: 'client-1', exp: Math.floor(Date.now() / 1000) + 300 })

function nodeRsa(modulusLength: number, publicExponent = 65537) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent })
  return { jwk: publicKey.export({ format: 'jwk' }) as JWK, privateKey }
}

describe('keys that must be accepted (no false refusals)', () => {
  test('RSA keys of 2048 and 3072 bits from the platform generator, and their tokens verify', async () => {
    for (const [index, bits] of [2048, 2048, 3072].entries()) {
      const { jwk, privateKey } = nodeRsa(bits)
      const kid = `rsa-${index}`
      const verifier = localVerifier([{ ...jwk, kid }])
      await verifier.verify(asymmetricSign({ alg: 'RS256', kid }, claims(), privateKey, 'RS256'))
    }
  })

  test('RSA public exponent 3 is accepted (odd, at least 3; strict PKCS#1 verification makes it safe)', async () => {
    const { jwk, privateKey } = nodeRsa(2048, 3)
    assert.equal(jwk.e, 'Aw')
    await localVerifier([{ ...jwk, kid: 'e3' }]).verify(asymmetricSign({ alg: 'RS256', kid: 'e3' }, claims(), privateKey, 'RS256'))
  })

  for (const [alg, crv] of [['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521']] as const) {
    test(`${crv}: 25 generated keys pass the on-curve check and a token verifies`, async () => {
      const keys = Array.from({ length: 25 }, (_, index) => ({ ...(generateKeyPairSync('ec', { namedCurve: crv }).publicKey.export({ format: 'jwk' }) as JWK), kid: `${crv}-${index}` }))
      localVerifier(keys)
      const { privateKey, publicKey } = await generateKeyPair(alg)
      const jwk = { ...(await exportJWK(publicKey)), kid: 'signer' }
      await localVerifier([...keys, jwk]).verify(await new SignJWT(claims()).setProtectedHeader({ alg, kid: 'signer' }).sign(privateKey))
    })
  }

  test('Ed25519: 25 generated keys pass the small-order check and a token verifies', async () => {
    const keys = Array.from({ length: 25 }, (_, index) => ({ ...(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK), kid: `ed-${index}` }))
    localVerifier(keys)
    const { privateKey, publicKey } = await generateKeyPair('Ed25519')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'signer' }
    await localVerifier([...keys, jwk]).verify(await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid: 'signer' }).sign(privateKey))
  })
})

describe('RSA modulus size', () => {
  test('2047 bits is refused at startup, naming the size', () => {
    const { jwk } = nodeRsa(2047)
    assert.throws(() => localVerifier([{ ...jwk, kid: 'short' }]), /key "short": RSA modulus of 2047 bits, fewer than 2048/)
  })

  test('jose, the second line, still refuses a 2047-bit key (pinned: an upgrade must not drop it)', async () => {
    const { jwk, privateKey } = nodeRsa(2047)
    const token = asymmetricSign({ alg: 'RS256' }, claims(), privateKey, 'RS256')
    await assert.rejects(jwtVerify(token, await importJWK({ ...jwk, alg: 'RS256' })), /RS256 requires key modulusLength to be 2048 bits or larger/)
  })
})

describe('EC curves', () => {
  test('a key is bound to its own curve: an ES384 or ES512 token naming a P-256 key is refused', async () => {
    const { privateKey: p256Private, publicKey } = await generateKeyPair('ES256')
    const verifier = localVerifier([{ ...(await exportJWK(publicKey)), kid: 'p256' }])
    await verifier.verify(await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'p256' }).sign(p256Private))
    for (const alg of ['ES384', 'ES512'] as const) {
      const { privateKey } = await generateKeyPair(alg)
      const token = await new SignJWT(claims()).setProtectedHeader({ alg, kid: 'p256' }).sign(privateKey)
      await assert.rejects(verifier.verify(token), (error: { reason?: string }) => error.reason === 'key_not_found')
    }
  })

  test('jose, the second line, refuses a key of another curve than the algorithm\'s (pinned)', async () => {
    const { privateKey } = await generateKeyPair('ES384')
    const { publicKey } = await generateKeyPair('ES256')
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES384' }).sign(privateKey)
    await assert.rejects(jwtVerify(token, publicKey), /namedCurve must be P-384/)
  })

  test('WebCrypto, a further line, refuses to import an off-curve point (pinned for Node)', async () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK
    const y = Buffer.from(jwk.y!, 'base64url')
    y[y.length - 1]! ^= 1
    await assert.rejects(crypto.subtle.importKey('jwk', { ...jwk, y: y.toString('base64url') }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']), /Invalid keyData/)
  })
})

describe('what jose\'s own JWK Set does with `alg` (pinned: why tokenguard binds keys itself)', () => {
  test('a JWK naming its alg is used with that algorithm only', async () => {
    const { jwk, privateKey } = nodeRsa(2048)
    const keys = createLocalJWKSet({ keys: [{ ...jwk, alg: 'RS256' }] })
    await jwtVerify(asymmetricSign({ alg: 'RS256' }, claims(), privateKey, 'RS256'), keys)
    await assert.rejects(jwtVerify(asymmetricSign({ alg: 'RS384' }, claims(), privateKey, 'RS384'), keys), { code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })

  test('a JWK without alg verifies every algorithm of its family there; through tokenguard only one', async () => {
    const { jwk, privateKey } = nodeRsa(2048)
    const ps256 = asymmetricSign({ alg: 'PS256', kid: 'bare' }, claims(), privateKey, 'PS256')
    await jwtVerify(ps256, createLocalJWKSet({ keys: [{ ...jwk, kid: 'bare' }] }))
    await assert.rejects(localVerifier([{ ...jwk, kid: 'bare' }]).verify(ps256), (error: { reason?: string }) => error.reason === 'key_not_found')
  })
})

describe('shared secrets are not keys of a key set', () => {
  test('a "jwks" holding an HMAC key is refused at startup; the secret option is the way', async () => {
    assert.throws(() => localVerifier([{ kty: 'oct', k: Buffer.alloc(32).toString('base64url'), kid: 'hmac' }]), /key "hmac": a symmetric key/)
    const secret = 'an-hs256-secret-of-at-least-32-bytes!'
    const verifier = createVerifier({ issuer: LOCAL_ISSUER, audience: TEST_AUDIENCE, secret, algorithms: ['HS256'] })
    await verifier.verify(await signToken(secret))
  })
})
