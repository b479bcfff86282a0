import { createVerifier } from '/work/wt/dpop/packages/core/dist/index.js'
import { SignJWT, generateKeyPair, exportJWK, calculateJwkThumbprint, compactVerify, importJWK } from 'jose'
import { randomUUID, createHash } from 'node:crypto'
const signing = await generateKeyPair('ES256', { extractable: true })
const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'k', alg: 'ES256' }
const client = await generateKeyPair('ES256', { extractable: true })
const cjwk = await exportJWK(client.publicKey)
const now = Math.floor(Date.now()/1000)
const tok = await new SignJWT({ iss: 'https://i', aud: 'https://a', exp: now+3600, scope: 'read:data', cnf: { jkt: await calculateJwkThumbprint(cjwk) } }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(signing.privateKey)
const ath = createHash('sha256').update(tok).digest('base64url')
const N = 6000
const proofs = []
for (let i = 0; i < N; i++) proofs.push(await new SignJWT({ htm: 'GET', htu: 'https://a/data', iat: now, jti: randomUUID(), ath }).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: cjwk }).sign(client.privateKey))
const v = createVerifier({ issuer: 'https://i', audience: 'https://a', jwks: { keys: [jwk] }, origin: 'https://a', dpop: { maxProofAge: '10m' } })
await v.decide({ method: 'GET', url: '/data', headers: { authorization: 'DPoP ' + tok, dpop: proofs[0] } })
let t = performance.now()
for (let i = 1; i < N; i++) { const d = await v.decide({ method: 'GET', url: '/data', headers: { authorization: 'DPoP ' + tok, dpop: proofs[i] } }); if (d.outcome !== 'accepted') throw new Error(d.error.describe()) }
console.log('decide dpop µs', ((performance.now()-t)*1000/(N-1)).toFixed(1))
const key = await importJWK(cjwk, 'ES256')
t = performance.now()
for (let i = 0; i < N; i++) await compactVerify(proofs[i], key)
console.log('jose compactVerify µs', ((performance.now()-t)*1000/N).toFixed(1))
