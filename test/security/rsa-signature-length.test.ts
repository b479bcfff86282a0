/**
 * RFC 8017 §8.1.2 / §8.2.2 step 1: an RSA signature of another length than the modulus is invalid. OpenSSL
 * accepts an RSA-PSS signature whose leading zero octet was stripped, so a token whose signature starts with
 * one (one in 256) had a second spelling that verified. Both spellings are made here from real signatures,
 * for access tokens and for DPoP proofs (the rule sits in core's one `verifyJwt`, which both go through).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createVerifier } from '@tokenguard/core'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { boundIssuer, makeProof, proofKey } from '../support/dpop.js'
import { withoutFirstSignatureByte } from './forge.js'

const ISSUER = 'https://issuer.example'

/** A verifier for a fresh `alg` key, and a token of that key whose signature's first octet is zero. */
async function zeroLedToken(alg: 'RS256' | 'PS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api', algorithms: [alg], tokenCache: false, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg, kid: 'k' }] } })
  for (let attempt = 0; attempt < 5000; attempt++) {
    const token = await new SignJWT({ sub: 'client', n: attempt }).setProtectedHeader({ alg, kid: 'k' }).setIssuer(ISSUER).setAudience('api').setExpirationTime('5m').sign(privateKey)
    const stripped = strippedOfLeadingZero(token)
    if (stripped !== undefined) return { verifier, token, stripped }
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

/** `token` with its signature's first octet removed, or `undefined` when that octet is not zero. */
function strippedOfLeadingZero(token: string): string | undefined {
  return Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url')[0] === 0 ? withoutFirstSignatureByte(token) : undefined
}

for (const alg of ['RS256', 'PS256'] as const) {
  test(`DPoP, ${alg}: a proof with its signature's leading zero octet stripped is refused dpop_signature_invalid; the proof as signed is accepted`, async () => {
    const issuer = await boundIssuer()
    const client = await proofKey(alg)
    const token = await issuer.dpopToken(client)
    const verifier = createVerifier({ ...issuer.options, tokenCache: false })
    const view = (proof: string) => ({ method: 'GET', url: '/data', headers: { authorization: `DPoP ${token}`, host: 'api.tokenguard.test', dpop: proof } })
    for (let attempt = 0; attempt < 5000; attempt++) {
      const proof = await makeProof(client, { token })
      const stripped = strippedOfLeadingZero(proof)
      if (stripped === undefined) continue
      // The stripped spelling first: its jti is then unseen, so only the signature can refuse it.
      const refused = await verifier.decide(view(stripped))
      assert.equal(refused.outcome === 'refused' && refused.error.reason, 'dpop_signature_invalid')
      assert.equal((await verifier.decide(view(proof))).outcome, 'accepted')
      return
    }
    throw new Error('no proof signature starting with a zero octet in 5000 tries')
  })
}
