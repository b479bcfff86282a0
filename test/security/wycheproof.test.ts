/**
 * Every Wycheproof JSON Web Signature vector (test/fixtures/wycheproof) through the signature layer
 * tokenguard uses: jose's `compactVerify` with the group's public key resolved by `createLocalJWKSet` (the
 * resolver tokenguard's key sources use, so `kid`, `alg`, `use` and `key_ops` are honoured as in
 * production), and the algorithm allowlist set to the key's `alg` (tokenguard's defaults when the key has
 * none). HMAC groups use the raw secret, as tokenguard's `secret` option does. The payloads are not claim
 * sets, so the claim layer is not involved.
 *
 * Every exception to "valid accepted, invalid refused" is listed below with its reason, and the test
 * asserts exactly those lists: a change in either direction fails it.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, describe, test } from 'node:test'
import { DEFAULT_ALGORITHMS } from '@tokenguard/core'
import { base64url, compactVerify, createLocalJWKSet, errors, type JWK } from 'jose'

interface Vector {
  tcId: number
  comment: string
  jws: string
  result: 'valid' | 'invalid'
  flags: string[]
}

interface VectorFile {
  numberOfTests: number
  testGroups: Array<{ type: string; comment: string; private?: JWK; public?: JWK; tests: Vector[] }>
}

interface Outcome extends Vector {
  group: number
  accepted: boolean
  error?: unknown
}

/** Valid vectors refused on purpose: tokenguard's policy is stricter than the vector. */
const POLICY_REFUSALS: Readonly<Record<number, { code: string; why: string }>> = {
  346: { code: 'ERR_JOSE_ALG_NOT_ALLOWED', why: 'PS384 signature, key whose JWK says PS256: a key serves its one algorithm only (RFC 8725 §3.1)' },
  350: { code: 'ERR_JOSE_ALG_NOT_ALLOWED', why: 'same as 346, key with key_ops' },
  347: { code: 'ERR_JOSE_ALG_NOT_ALLOWED', why: 'the JWK says alg "ES521", which is no JWA algorithm: the key is never used for the ES512 token' },
  351: { code: 'ERR_JOSE_ALG_NOT_ALLOWED', why: 'same as 347, key with key_ops' },
  372: { code: 'ERR_JWS_INVALID', why: '"?" inside the header segment is not base64url (RFC 7515 §2)' },
  373: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', why: '"?" inside the payload segment changes the signing input' },
}

/**
 * Invalid vectors jose accepts on this Node: without `Uint8Array.fromBase64`, jose decodes with `atob()`,
 * which skips whitespace and ignores stray bits. Header and payload text are signed as spelled, so only
 * 360 (the signature segment) lets an attacker respell a valid token: tokenguard must refuse non-canonical
 * segments before jose (see the "encoding" cases of the attack corpus, which fail until it does).
 */
const LENIENT_DECODING: Readonly<Record<number, string>> = {
  360: 'spaces before the MAC (signature-segment malleability)',
  365: 'spaces after the header segment',
  368: 'spaces before the payload segment',
  375: 'payload "AB" with stray bits',
}

/** Invalid vectors whose `jws` is byte-identical to a valid vector of the same group (computed below). */
const CONTRADICTORY = [367, 370]

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'])

function loadVectors(): VectorFile {
  const file = new URL('../../../test/fixtures/wycheproof/json_web_signature_test.json', import.meta.url)
  return JSON.parse(readFileSync(file, 'utf8')) as VectorFile
}

/** The verification key: the public JWK, or the private one without its private members. */
function publicJwk(group: VectorFile['testGroups'][number]): JWK {
  const source = group.public ?? group.private
  assert.ok(source, `group ${group.comment} has no key`)
  return Object.fromEntries(Object.entries(source).filter(([member]) => !PRIVATE_MEMBERS.has(member))) as JWK
}

async function verifyVector(jwk: JWK, jws: string): Promise<{ accepted: boolean; error?: unknown }> {
  const algorithms = jwk.alg === undefined ? [...DEFAULT_ALGORITHMS] : [jwk.alg]
  try {
    if (jwk.kty === 'oct') await compactVerify(jws, base64url.decode(jwk.k!), { algorithms })
    else await compactVerify(jws, createLocalJWKSet({ keys: [jwk] }), { algorithms })
    return { accepted: true }
  } catch (error) {
    return { accepted: false, error }
  }
}

const ids = (outcomes: Outcome[]) => outcomes.map((outcome) => outcome.tcId).sort((a, b) => a - b)
const numericKeys = (record: object) => Object.keys(record).map(Number).sort((a, b) => a - b)

describe('Wycheproof JSON Web Signature vectors', () => {
  const file = loadVectors()
  const outcomes: Outcome[] = []

  before(async () => {
    for (const [index, group] of file.testGroups.entries()) {
      const jwk = publicJwk(group)
      for (const vector of group.tests) outcomes.push({ ...vector, group: index, ...(await verifyVector(jwk, vector.jws)) })
    }
  })

  test('the file is the one described: 401 JSON Web Signature vectors', () => {
    assert.equal(outcomes.length, file.numberOfTests)
    assert.equal(outcomes.length, 401)
    assert.ok(file.testGroups.every((group) => group.type === 'JsonWebSignature'))
  })

  test('every valid vector is accepted, except the policy refusals, each for its stated reason', () => {
    const refused = outcomes.filter((outcome) => outcome.result === 'valid' && !outcome.accepted)
    assert.deepEqual(ids(refused), numericKeys(POLICY_REFUSALS))
    for (const outcome of refused) {
      assert.equal((outcome.error as errors.JOSEError).code, POLICY_REFUSALS[outcome.tcId]!.code, `tcId ${outcome.tcId}`)
    }
  })

  test('every invalid vector is refused, except the contradictory and the leniently decoded ones', () => {
    const accepted = outcomes.filter((outcome) => outcome.result === 'invalid' && outcome.accepted)
    assert.deepEqual(ids(accepted), [...CONTRADICTORY, ...numericKeys(LENIENT_DECODING)].sort((a, b) => a - b))
  })

  test('the contradictory vectors are exactly those identical to a valid vector of their group', () => {
    const validText = new Set(outcomes.filter((o) => o.result === 'valid').map((o) => `${o.group}|${o.jws}`))
    const contradictory = outcomes.filter((o) => o.result === 'invalid' && validText.has(`${o.group}|${o.jws}`))
    assert.deepEqual(ids(contradictory), CONTRADICTORY)
  })

  test('the leniently decoded vectors verify only because whitespace and stray bits are ignored', () => {
    for (const tcId of numericKeys(LENIENT_DECODING)) {
      const { jws } = outcomes.find((outcome) => outcome.tcId === tcId)!
      const canonical = jws.split('.').map((part) => base64url.encode(base64url.decode(part.trim()))).join('.')
      assert.notEqual(jws, canonical, `tcId ${tcId} is spelled non-canonically`)
    }
  })

  test('every refusal is a jose error (never a TypeError or a crash)', () => {
    for (const outcome of outcomes.filter((o) => !o.accepted)) {
      assert.ok(outcome.error instanceof errors.JOSEError, `tcId ${outcome.tcId}: ${String(outcome.error)}`)
    }
  })

  test('no vector is JWE-shaped; the one JSON serialisation is refused by the compact-only path', () => {
    assert.equal(outcomes.filter((o) => o.jws.split('.').length === 5).length, 0)
    const json = outcomes.filter((o) => o.jws.trimStart().startsWith('{'))
    assert.deepEqual(json.map((o) => [o.tcId, o.result, o.accepted]), [[17, 'invalid', false]])
  })

  test('summary', (t) => {
    const valid = outcomes.filter((o) => o.result === 'valid')
    const invalid = outcomes.filter((o) => o.result === 'invalid')
    t.diagnostic(
      `${outcomes.length} vectors: ${valid.length} valid (${valid.filter((o) => o.accepted).length} accepted, ` +
        `${valid.filter((o) => !o.accepted).length} policy refusals), ${invalid.length} invalid (${invalid.filter((o) => !o.accepted).length} refused, ` +
        `${CONTRADICTORY.length} contradictory, ${numericKeys(LENIENT_DECODING).length} accepted by lenient base64 decoding), 0 JWE, 1 JSON serialisation (refused)`,
    )
    assert.equal(valid.length + invalid.length, outcomes.length)
  })
})
