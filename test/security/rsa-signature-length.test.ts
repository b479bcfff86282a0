/**
 * RFC 8017 §8.1.2 / §8.2.2 step 1: an RSA signature of another length than the modulus is invalid. OpenSSL
 * accepts an RSA-PSS signature whose leading zero octet was stripped, so a token whose signature starts with
 * one (one in 256) had a second spelling that verified. Both spellings are made here from real signatures.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'

const ISSUER = 'https://issuer.example'

/** A verifier for a fresh `alg` key, and a token of that key whose signature's first octet is zero. */
async function zeroLedToken(alg: 'RS256' | 'PS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api', algorithms: [alg], tokenCache: false, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg, kid: 'k' }] } })
  for (let attempt = 0; attempt < 5000; attempt++) {
    const token = await new SignJWT({ sub: 'client', n: attempt }).setProtectedHeader({ alg, kid: 'k' }).setIssuer(ISSUER).setAudience('api').setExpirationTime('5m').sign(privateKey)
    const signature = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')
    if (signature[0] === 0) return { verifier, token, stripped: `${token.slice(0, token.lastIndexOf('.'))}.${signature.subarray(1).toString('base64url')}` }
  }
  throw new Error('no signature starting with a zero octet in 5000 tries')
}

for (const alg of ['RS256', 'PS256'] as const) {
  test(`${alg}: a signature with its leading zero octet stripped is refused; the token as signed is accepted`, async () => {
    const { verifier, token, stripped } = await zeroLedToken(alg)
    assert.equal((await verifier.verify(token)).claims.sub, 'client')
    await assert.rejects(verifier.verify(stripped), { reason: 'signature_invalid' })
  })
}
