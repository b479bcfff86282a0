/**
 * Which engine checks signatures (issue 18): on Node, `node:crypto` where the check is cheap enough for the saved
 * per-call overhead to count, jose (WebCrypto) for the rest and for anything off the common path;
 * `--conditions=tokenguard-jose` gives jose everywhere. Bun, Deno and workerd are checked in
 * `test/adapters/runtimes.test.ts`; that both engines decide alike is `test/security/differential*`.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createVerifier, SIGNATURE_ENGINE } from '@tokenguard/core'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type * as Engine from '../../packages/core/dist/jwt-verify-node.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const { engineRoutes } = (await import(new URL('../../../packages/core/dist/jwt-verify-node.js', import.meta.url).href)) as typeof Engine
const ISSUER = 'https://issuer.example'

async function verifierAndToken(alg: string, options: { modulusLength?: number; header?: Record<string, unknown> } = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(options.modulusLength === undefined ? {} : { modulusLength: options.modulusLength }) })
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api', algorithms: [alg], jwks: { keys: [{ ...(await exportJWK(publicKey)), alg, kid: 'k' }] } })
  const token = await new SignJWT({ sub: 'client', client_id: 'client' })
    .setProtectedHeader({ alg, kid: 'k', ...options.header })
    .setIssuer(ISSUER)
    .setAudience('api')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey)
  return { verifier, token }
}

/** The route a fresh verification of `token` took: `native`, `jose`, or a count that proves neither. */
async function routeOf(alg: string, options?: Parameters<typeof verifierAndToken>[1]): Promise<string> {
  const { verifier, token } = await verifierAndToken(alg, options)
  const before = { ...engineRoutes }
  const auth = await verifier.verify(token)
  assert.equal(auth.claims.sub, 'client')
  const native = engineRoutes.native - before.native
  const jose = engineRoutes.jose - before.jose
  return native === 1 && jose === 0 ? 'native' : jose === 1 && native === 0 ? 'jose' : `native ${native}, jose ${jose}`
}

test('on Node, core names node:crypto as its signature engine', () => {
  assert.equal(SIGNATURE_ENGINE, 'node:crypto')
})

test('node --conditions=tokenguard-jose makes Node use jose', async () => {
  const script = "import('@tokenguard/core').then((core) => console.log(core.SIGNATURE_ENGINE))"
  const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=tokenguard-jose', '--input-type=module', '-e', script], { cwd: ROOT })
  assert.equal(stdout.trim(), 'jose')
})

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
  test(`${alg} is checked natively`, async () => assert.equal(await routeOf(alg), 'native'))
}

for (const alg of ['ES384', 'ES512']) {
  test(`${alg} stays with jose (the check itself dominates)`, async () => assert.equal(await routeOf(alg), 'jose'))
}

test('an RSA key over 4096 bits stays with WebCrypto', async () => assert.equal(await routeOf('RS256', { modulusLength: 4096 + 1024 }), 'jose'))

test('a header off the common path (a b64 member) is decided by jose whole', async () => assert.equal(await routeOf('RS256', { header: { b64: true } }), 'jose'))

test('HS256 with a shared secret is checked natively', async () => {
  const secret = 'signature-engine-secret-0123456789abcdef'
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api', algorithms: ['HS256'], secret })
  const token = await new SignJWT({ sub: 'client' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience('api').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret))
  const before = { ...engineRoutes }
  assert.equal((await verifier.verify(token)).claims.sub, 'client')
  assert.deepEqual({ native: engineRoutes.native - before.native, jose: engineRoutes.jose - before.jose }, { native: 1, jose: 0 })
  const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${Buffer.alloc(32, 7).toString('base64url')}`
  await assert.rejects(verifier.verify(forged), (error: { reason?: string }) => error.reason === 'signature_invalid')
})

// Node 24 deprecates KeyObject.from() of a non-extractable key (DEP0204); HMAC keys are imported non-extractable.
test('verifying with every natively checked algorithm uses no deprecated Node API (--throw-deprecation)', async () => {
  const script = `
    import { createVerifier } from '@tokenguard/core'
    import { exportJWK, generateKeyPair, SignJWT } from 'jose'
    const sign = (claims, alg, key, kid) => new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuer('${ISSUER}').setAudience('api').setIssuedAt().setExpirationTime('5m').sign(key)
    const secret = 'deprecation-check-secret-0123456789abcd'
    const hmac = createVerifier({ issuer: '${ISSUER}', audience: 'api', algorithms: ['HS256'], secret })
    await hmac.verify(await sign({ sub: 'a' }, 'HS256', new TextEncoder().encode(secret)))
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
      const { publicKey, privateKey } = await generateKeyPair(alg)
      const verifier = createVerifier({ issuer: '${ISSUER}', audience: 'api', algorithms: [alg], jwks: { keys: [{ ...(await exportJWK(publicKey)), alg, kid: 'k' }] } })
      await verifier.verify(await sign({ sub: 'a' }, alg, privateKey, 'k'))
    }
    console.log('verified')`
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--throw-deprecation', '--input-type=module', '-e', script], { cwd: ROOT })
  assert.equal(stdout.trim(), 'verified')
  assert.doesNotMatch(stderr, /DeprecationWarning|DEP0/)
})
