/**
 * express-oauth2-jwt-bearer's packages/access-token-jwt/test/validate.test.ts (the claim validators) and
 * claim-check.test.ts (claimEquals, claimIncludes, requiredScopes, scopeIncludesAny, claimCheck), replayed
 * on real tokens: validators become tokenguard's options (`profile`, `claims`, `maxTokenAge`…), claim
 * checks become route requirements (`requireClaim`, `includes`, `requireScopes`, `requireAnyScope`).
 */
import assert from 'node:assert/strict'
import { includes, type ClaimCheck, type RouteRequirementInit, type Verifier } from '@tokenguard/core'
import { refused, refusedAtStartup, type ReplayCase, type ReplayEnv } from './env.js'

const VALIDATE = 'access-token-jwt/test/validate.test.ts'
const CLAIM_CHECK = 'access-token-jwt/test/claim-check.test.ts'
const now = () => Math.floor(Date.now() / 1000)
const STRICT = { sub: 'foo', client_id: 'bar', jti: 'baz' }

/** A token with `claims` and a verifier's verdict on it under `requirement`. */
async function verdict(env: ReplayEnv, claims: Record<string, unknown>, requirement: RouteRequirementInit, verifier: Verifier = env.verifier()): Promise<string> {
  try {
    await verifier.verify(await env.issuer.sign(claims), requirement)
    return 'accepted'
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error)
  }
}

const claim = (name: string, check: ClaimCheck): RouteRequirementInit => ({ claims: { [name]: check } })

export const VALIDATE_CASES: ReplayCase[] = [
  {
    file: VALIDATE, name: 'should throw for invalid alg header', outcome: 'same',
    note: '401 algorithm_not_allowed for alg none/None/NONE (never accepted) and for an algorithm not in "algorithms"',
    async run(env) {
      for (const alg of ['none', 'None', 'NONE']) await refused(env.verifier().verify(env.unsigned({ alg }, { iss: env.issuer.issuer, aud: env.issuer.audience as string, exp: now() + 60 })), 'algorithm_not_allowed', 401)
      await refused(env.verifier({ algorithms: ['ES256'] }).verify(await env.issuer.sign()), 'algorithm_not_allowed', 401)
    },
  },
  {
    file: VALIDATE, name: 'should disable alg header check', outcome: 'stricter',
    note: 'no option turns the algorithm allowlist off; alg none is never accepted',
    run: async (env) => refusedAtStartup(() => env.verifier({ algorithms: ['none'] }), 'algorithms'),
  },
  {
    file: VALIDATE, name: 'should throw for invalid typ in strict mode', outcome: 'same',
    note: 'profile: "rfc9068" refuses typ JWT and a non-string typ: 401 token_type_not_allowed',
    async run(env) {
      const strict = env.verifier({ profile: 'rfc9068' })
      await refused(strict.verify(await env.issuer.sign(STRICT, { typ: 'JWT' })), 'token_type_not_allowed', 401)
      await refused(strict.verify(await env.issuer.sign(STRICT, { header: { typ: 1 } })), 'token_type_not_allowed', 401)
    },
  },
  {
    file: VALIDATE, name: 'should validate typ in strict mode', outcome: 'same',
    note: 'at+jwt, AT+JWT and application/at+jwt are accepted',
    async run(env) {
      for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt']) await env.verifier({ profile: 'rfc9068' }).verify(await env.issuer.sign(STRICT, { typ }))
    },
  },
  {
    file: VALIDATE, name: 'should throw for missing claims in strict mode', outcome: 'same',
    note: '401 claim_missing for sub, client_id, jti',
    async run(env) {
      for (const name of ['sub', 'client_id', 'jti']) await refused(env.verifier({ profile: 'rfc9068' }).verify(await env.issuer.sign(STRICT, { omit: [name] })), 'claim_missing', 401)
    },
  },
  {
    file: VALIDATE, name: 'should throw for invalid claims in strict mode', outcome: 'same',
    note: '401 claim_invalid for sub: 1, client_id: ["bar"], jti: true',
    async run(env) {
      for (const wrong of [{ sub: 1 }, { client_id: ['bar'] }, { jti: true }]) await refused(env.verifier({ profile: 'rfc9068' }).verify(await env.issuer.sign({ ...STRICT, ...wrong })), 'claim_invalid', 401)
    },
  },
  {
    file: VALIDATE, name: 'should throw for audience mismatch', outcome: 'same',
    note: '401 audience_mismatch (string, array, and a number)',
    async run(env) {
      await refused(env.verifier({ audience: ['bar'] }).verify(await env.issuer.sign({}, { audience: 'foo' })), 'audience_mismatch', 401)
      await refused(env.verifier({ audience: 'foo' }).verify(await env.issuer.sign({}, { audience: ['bar'] })), 'audience_mismatch', 401)
      await refused(env.verifier({ audience: 'foo' }).verify(await env.issuer.sign({ aud: 1 })), 'audience_mismatch', 401)
    },
  },
  {
    file: VALIDATE, name: 'should validate aud claim', outcome: 'same',
    note: 'accepted when aud and audience share one value',
    async run(env) {
      await env.verifier({ audience: ['foo'] }).verify(await env.issuer.sign({}, { audience: 'foo' }))
      await env.verifier({ audience: ['foo', 'bar', 'baz'] }).verify(await env.issuer.sign({}, { audience: ['foo', 'bar'] }))
      await env.verifier({ audience: ['foo', 'bar'] }).verify(await env.issuer.sign({}, { audience: ['foo', 'bar', 'baz'] }))
    },
  },
  {
    file: VALIDATE, name: 'should throw for invalid exp claim', outcome: 'same',
    note: '401 token_expired, and claim_invalid for exp: "foo"',
    async run(env) {
      await refused(env.verifier({ clockTolerance: 0 }).verify(await env.issuer.sign({ exp: now() - 50 })), 'token_expired', 401)
      await refused(env.verifier().verify(await env.issuer.sign({ exp: 'foo' })), 'claim_invalid', 401)
    },
  },
  {
    file: VALIDATE, name: 'should validate exp claim with clockTolerance', outcome: 'same',
    note: 'accepted within clockTolerance ("75s"; tokenguard takes up to 5 min)',
    run: async (env) => void (await env.verifier({ clockTolerance: '75s' }).verify(await env.issuer.sign({ exp: now() - 50 }))),
  },
  {
    file: VALIDATE, name: 'should throw for invalid iat claim', outcome: 'same',
    note: 'with maxTokenAge: token_too_old, and 401 for iat in the future or not a number (maxTokenAge is at least 1 min here; the peer\'s 10 s is refused)',
    async run(env) {
      refusedAtStartup(() => env.verifier({ maxTokenAge: '10s' }), 'maxTokenAge', /at least 1 min/)
      const aged = env.verifier({ maxTokenAge: '90s', clockTolerance: 0 })
      await refused(aged.verify(await env.issuer.sign({ iat: now() - 100 })), 'token_too_old', 401)
      await refused(aged.verify(await env.issuer.sign({ iat: now() + 100 })), 'claim_invalid', 401)
      await refused(aged.verify(await env.issuer.sign({}, { omit: ['iat'] })), 'claim_missing', 401)
      await refused(env.verifier().verify(await env.issuer.sign({ iat: 'foo' })), 'claim_invalid', 401)
    },
  },
  {
    file: VALIDATE, name: 'should validate iat claim', outcome: 'same',
    note: 'accepted within maxTokenAge',
    run: async (env) => void (await env.verifier({ maxTokenAge: '100s' }).verify(await env.issuer.sign({ iat: now() - 90 }))),
  },
  {
    file: VALIDATE, name: 'should validate with custom validators', outcome: 'built',
    note: 'the "claims" option: a value, a predicate, or an async predicate (Promise<boolean>)',
    async run(env) {
      const token = await env.issuer.sign({ foo: 'bar' })
      await refused(env.verifier({ claims: { foo: 'baz' } }).verify(token), 'claim_invalid', 401)
      await env.verifier({ claims: { foo: 'bar' } }).verify(token)
      await refused(env.verifier({ claims: { foo: () => false } }).verify(token), 'claim_invalid', 401)
      await env.verifier({ claims: { foo: () => Promise.resolve(true) } }).verify(token)
    },
  },
]

export const CLAIM_CHECK_CASES: ReplayCase[] = [
  {
    file: CLAIM_CHECK, name: 'should expect a function', outcome: 'same',
    note: 'a check that is neither a value nor a function is a TypeError at declaration',
    run: async (env) => assert.throws(() => env.verifier().requirement(claim('foo', {} as ClaimCheck)), /must be a value or a function/),
  },
  {
    file: CLAIM_CHECK, name: 'should throw when check function returns false', outcome: 'same',
    note: '401 claim_requirement_failed',
    run: async (env) => assert.equal(await verdict(env, {}, claim('foo', () => false)), 'claim_requirement_failed'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw when check function returns true', outcome: 'same',
    note: 'accepted',
    run: async (env) => assert.equal(await verdict(env, {}, claim('foo', () => true)), 'accepted'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if claim not in payload', outcome: 'same',
    note: '401 claim_requirement_failed (claimEquals and includes alike)',
    async run(env) {
      assert.equal(await verdict(env, {}, claim('foo', 'bar')), 'claim_requirement_failed')
      assert.equal(await verdict(env, {}, claim('foo', includes('bar'))), 'claim_requirement_failed')
    },
  },
  {
    file: CLAIM_CHECK, name: 'should throw if claim doesn\'t match expected', outcome: 'same',
    note: '401 claim_requirement_failed',
    run: async (env) => assert.equal(await verdict(env, { foo: 'baz' }, claim('foo', 'bar')), 'claim_requirement_failed'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw if claim matches expected', outcome: 'same',
    note: 'accepted',
    run: async (env) => assert.equal(await verdict(env, { foo: 'bar' }, claim('foo', 'bar')), 'accepted'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if expected is not found in actual claim string', outcome: 'built',
    note: 'includes("bar", "baz") on "qux quxx": 401 claim_requirement_failed',
    run: async (env) => assert.equal(await verdict(env, { foo: 'qux quxx' }, claim('foo', includes('bar', 'baz'))), 'claim_requirement_failed'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if all expected are not found in actual claim array', outcome: 'built',
    note: 'includes("bar", "baz") on ["qux", "bar"]: 401 claim_requirement_failed',
    run: async (env) => assert.equal(await verdict(env, { foo: ['qux', 'bar'] }, claim('foo', includes('bar', 'baz'))), 'claim_requirement_failed'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if actual is not array or string', outcome: 'built',
    note: 'includes() on true: 401 claim_requirement_failed',
    run: async (env) => assert.equal(await verdict(env, { foo: true }, claim('foo', includes('bar', 'baz'))), 'claim_requirement_failed'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw if all expected found in actual string', outcome: 'built',
    note: 'includes("bar", "baz") on "foo bar baz": accepted',
    run: async (env) => assert.equal(await verdict(env, { foo: 'foo bar baz' }, claim('foo', includes('bar', 'baz'))), 'accepted'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw if all expected found in actual array', outcome: 'same',
    note: 'accepted (includes(), or a plain value for one member)',
    async run(env) {
      assert.equal(await verdict(env, { foo: ['foo', 'bar', 'baz'] }, claim('foo', includes('bar', 'baz'))), 'accepted')
      assert.equal(await verdict(env, { foo: ['foo', 'bar', 'baz'] }, claim('foo', 'bar')), 'accepted')
    },
  },
  {
    file: CLAIM_CHECK, name: 'should expect a string or array of strings', outcome: 'different',
    note: 'requireScopes takes scope names ("foo", "bar"), not one space-delimited string: "foo bar" is refused at declaration',
    run: async (env) => assert.throws(() => env.verifier().requirement({ scopes: ['foo bar'] }), /not a valid scope name/),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if no scope claim found', outcome: 'same',
    note: '403 insufficient_scope naming the scopes',
    run: async (env) => assert.equal(await verdict(env, { foo: 'bar' }, { scopes: ['foo', 'bar'] }), 'insufficient_scope'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if all scopes from array not found in actual', outcome: 'same',
    note: '403 insufficient_scope',
    run: async (env) => assert.equal(await verdict(env, { scope: 'bar baz' }, { scopes: ['foo', 'bar'] }), 'insufficient_scope'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw if all scopes found in actual', outcome: 'same',
    note: 'accepted',
    run: async (env) => assert.equal(await verdict(env, { scope: 'foo bar' }, { scopes: ['foo', 'bar'] }), 'accepted'),
  },
  {
    file: CLAIM_CHECK, name: 'should throw if no scopes from array not found in actual', outcome: 'same',
    note: 'requireAnyScope: 403 insufficient_scope',
    run: async (env) => assert.equal(await verdict(env, { scope: 'baz' }, { anyScopes: ['foo', 'bar'] }), 'insufficient_scope'),
  },
  {
    file: CLAIM_CHECK, name: 'should not throw if any scopes found in actual', outcome: 'same',
    note: 'requireAnyScope: accepted',
    run: async (env) => assert.equal(await verdict(env, { scope: 'foo qux quxx' }, { anyScopes: ['foo', 'bar'] }), 'accepted'),
  },
]
