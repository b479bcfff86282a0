/**
 * Inputs of the differential test other than the attack corpus (differential-corpus.ts): the valid and
 * claim-failing tokens of every algorithm family under each of their setups, mutants of them (a fixed seed,
 * so the same mutants every run), and every Wycheproof JSON Web Signature vector with its key and
 * allowlist as wycheproof.test.ts verifies it (plus, for the HMAC groups, the secret imported the way
 * tokenguard's `secret` option imports it).
 */
import { readFileSync } from 'node:fs'
import { DEFAULT_ALGORITHMS } from '@tokenguard/core'
import fc from 'fast-check'
import { base64url, createLocalJWKSet, type JWK } from 'jose'
import { issuerSetup } from './differential-core.js'
import { differentialMutation } from './differential-mutations.js'
import type { LabelledSubject } from './differential-tally.js'
import { CURRENT_DATE, type Target } from './differential-targets.js'

/** The seed of every mutant run (npm test and `npm run differential`). */
export const MUTANT_SEED = 20_261_201

/** Every target unmodified under every one of its setups. */
export function* targetSubjects(targets: readonly Target[]): Generator<LabelledSubject> {
  for (const target of targets) {
    for (const { name, setup } of target.setups) yield { label: `${target.name} under ${name}`, token: target.token, key: setup.resolver, options: setup.options }
  }
}

/**
 * `count` mutants: a target, one of its setups and a mutation, drawn with fast-check from `seed`. Drawn in
 * batches so that a long run never holds them all.
 */
export function* mutantSubjects(targets: readonly Target[], count: number, seed = MUTANT_SEED): Generator<LabelledSubject> {
  const draw = fc.tuple(fc.nat(targets.length - 1), fc.nat(), differentialMutation)
  const batch = 10_000
  for (let start = 0; start < count; start += batch) {
    for (const [index, setupIndex, mutation] of fc.sample(draw, { seed: seed + start, numRuns: Math.min(batch, count - start) })) {
      const target = targets[index]!
      const { name, setup } = target.setups[setupIndex % target.setups.length]!
      const token = mutation.apply(target.token)
      // ECDSA-only mutations leave other tokens as they were: those count as unmodified, not as their kind.
      const kind = token === target.token ? 'unmodified (or a no-op for this token)' : mutation.kind ?? '?'
      yield { label: `${target.name} under ${name}: ${mutation.label}`, token, key: setup.resolver, options: setup.options, groups: [`mutation: ${kind}`, `signed: ${target.alg}`] }
    }
  }
}

interface VectorFile {
  numberOfTests: number
  testGroups: Array<{ comment: string; private?: JWK; public?: JWK; tests: Array<{ tcId: number; comment: string; jws: string; result: string }> }>
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'])

export function loadWycheproof(): VectorFile {
  return JSON.parse(readFileSync(new URL('../../../test/fixtures/wycheproof/json_web_signature_test.json', import.meta.url), 'utf8')) as VectorFile
}

/**
 * Every vector with its group's public key behind `createLocalJWKSet` (or, for `oct`, the raw secret as
 * wycheproof.test.ts gives it), allowlist the key's `alg` else tokenguard's defaults; HMAC vectors also
 * through `LocalKeySource.fromSecret`, under the same allowlist. The payloads are no claim sets: both engines
 * must refuse them alike after the signature step (or before it).
 */
export function* wycheproofSubjects(file = loadWycheproof()): Generator<LabelledSubject> {
  for (const group of file.testGroups) {
    const source = group.public ?? group.private!
    const jwk = Object.fromEntries(Object.entries(source).filter(([member]) => !PRIVATE_MEMBERS.has(member))) as JWK
    const algorithms = jwk.alg === undefined ? [...DEFAULT_ALGORITHMS] : [jwk.alg]
    const options = { algorithms, currentDate: CURRENT_DATE }
    if (jwk.kty === 'oct') {
      const secret = base64url.decode(jwk.k!)
      const imported = secret.byteLength >= 32 ? issuerSetup({ issuer: 'https://wycheproof.test', audience: 'https://wycheproof.test/api', secret, algorithms: ['HS256', 'HS384', 'HS512'] }, CURRENT_DATE) : undefined
      for (const vector of group.tests) {
        yield { label: `Wycheproof tcId ${vector.tcId} (${vector.result}, raw secret): ${vector.comment}`, token: vector.jws, key: secret, options }
        if (imported !== undefined) {
          yield { label: `Wycheproof tcId ${vector.tcId} (${vector.result}, imported secret): ${vector.comment}`, token: vector.jws, key: imported.resolver, options }
        }
      }
    } else {
      const resolver = createLocalJWKSet({ keys: [jwk] })
      for (const vector of group.tests) yield { label: `Wycheproof tcId ${vector.tcId} (${vector.result}): ${vector.comment}`, token: vector.jws, key: resolver, options }
    }
  }
}
