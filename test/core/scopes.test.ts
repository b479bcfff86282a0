/**
 * Reading scopes from the claims providers use, and checking a requirement (RFC 9068 §2.2.3, RFC 6750 §3.1).
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { assertScopes, hasScopes, InsufficientScopeError, readScopes, scopeRequirement } from '@tokenguard/core'
import { parseChallenge } from '../support/challenge.js'

const sorted = (scopes: ReadonlySet<string>) => [...scopes].sort()

describe('readScopes', () => {
  test('scope: a space-delimited string, runs of spaces ignored', () => {
    assert.deepEqual(sorted(readScopes({ scope: '  read:data   write:data ' }, ['scope'])), ['read:data', 'write:data'])
    assert.deepEqual(sorted(readScopes({ scope: '' }, ['scope'])), [])
  })

  test('scp: an array or a string', () => {
    assert.deepEqual(sorted(readScopes({ scp: ['a', 'b'] }, ['scp'])), ['a', 'b'])
    assert.deepEqual(sorted(readScopes({ scp: 'a b' }, ['scp'])), ['a', 'b'])
  })

  test('permissions and roles: arrays', () => {
    assert.deepEqual(sorted(readScopes({ permissions: ['read:a', 'write:a'] }, ['permissions'])), ['read:a', 'write:a'])
    assert.deepEqual(sorted(readScopes({ roles: ['Admin'] }, ['roles'])), ['Admin'])
  })

  test('only the configured claims are read', () => {
    const claims = { scope: 'a', scp: ['b'], permissions: ['c'], roles: ['d'] }
    assert.deepEqual(sorted(readScopes(claims, ['scope'])), ['a'])
    assert.deepEqual(sorted(readScopes(claims, ['roles'])), ['d'])
    assert.deepEqual(sorted(readScopes(claims, [])), [])
  })

  test('several claims are merged, duplicates collapse', () => {
    const claims = { scope: 'a b', scp: ['b', 'c'], permissions: ['d'], roles: ['a', 'e'], custom: 'f' }
    assert.deepEqual(sorted(readScopes(claims, ['scope', 'scp', 'permissions', 'roles', 'custom'])), ['a', 'b', 'c', 'd', 'e', 'f'])
  })

  test('malformed values contribute nothing', () => {
    const claims = { scope: 42, scp: { a: true }, permissions: [1, null, '', 'ok', ['nested'], { x: 1 }], roles: null, other: true }
    assert.deepEqual(sorted(readScopes(claims, ['scope', 'scp', 'permissions', 'roles', 'other', 'absent'])), ['ok'])
  })
})

describe('scopeRequirement', () => {
  test('accepts RFC 6749 scope tokens', () => {
    const requirement = scopeRequirement(['read:data', 'https://api.example/x.y', '!#$%&()*+,-./:;<=>?@[]^_`{|}~'], ['a'])
    assert.deepEqual(requirement.all, ['read:data', 'https://api.example/x.y', '!#$%&()*+,-./:;<=>?@[]^_`{|}~'])
    assert.deepEqual(requirement.any, ['a'])
    assert.ok(Object.isFrozen(requirement) && Object.isFrozen(requirement.all) && Object.isFrozen(requirement.any))
  })

  test('refuses invalid names with a TypeError', () => {
    for (const bad of ['read data', 'say"hi', 'back\\slash', '', 'tab\there', 'caf\u00e9', 'new\nline']) {
      assert.throws(() => scopeRequirement([bad]), TypeError, JSON.stringify(bad))
      assert.throws(() => scopeRequirement([], [bad]), TypeError, `any: ${JSON.stringify(bad)}`)
    }
    assert.throws(() => scopeRequirement([42 as unknown as string]), TypeError)
  })

  test('copies its input: later changes to the caller\'s array do not matter', () => {
    const all = ['a']
    const requirement = scopeRequirement(all)
    all.push('b')
    assert.deepEqual(requirement.all, ['a'])
  })
})

describe('hasScopes', () => {
  const granted = new Set(['read:data', 'write:data'])

  test('an empty requirement is met by anything', () => {
    assert.equal(hasScopes(new Set(), scopeRequirement()), true)
  })

  test('all: every scope is needed', () => {
    assert.equal(hasScopes(granted, scopeRequirement(['read:data', 'write:data'])), true)
    assert.equal(hasScopes(granted, scopeRequirement(['read:data', 'admin'])), false)
  })

  test('any: one scope suffices', () => {
    assert.equal(hasScopes(granted, scopeRequirement([], ['admin', 'write:data'])), true)
    assert.equal(hasScopes(granted, scopeRequirement([], ['admin', 'root'])), false)
  })

  test('all and any together: both must hold', () => {
    assert.equal(hasScopes(granted, scopeRequirement(['read:data'], ['admin', 'write:data'])), true)
    assert.equal(hasScopes(granted, scopeRequirement(['read:data'], ['admin'])), false)
    assert.equal(hasScopes(granted, scopeRequirement(['admin'], ['write:data'])), false)
  })

  test('matching is exact and case-sensitive', () => {
    assert.equal(hasScopes(granted, scopeRequirement(['Read:Data'])), false)
    assert.equal(hasScopes(granted, scopeRequirement(['read'])), false)
  })
})

describe('assertScopes', () => {
  test('passes silently when the requirement is met', () => {
    assert.doesNotThrow(() => assertScopes(new Set(['a']), scopeRequirement(['a'])))
  })

  test('403 insufficient_scope naming every scope the route asks for', () => {
    const error = captureRefusal(() => assertScopes(new Set(['a']), scopeRequirement(['a', 'b'], ['c', 'd']), { realm: 'api' }))
    assert.equal(error.status, 403)
    assert.equal(error.code, 'insufficient_scope')
    assert.equal(error.reason, 'insufficient_scope')
    assert.deepEqual(error.requiredScopes, ['a', 'b', 'c', 'd'])
    const { params } = parseChallenge(error.wwwAuthenticate ?? null)
    assert.equal(params.scope, 'a b c d')
    assert.equal(params.error, 'insufficient_scope')
    assert.equal(params.realm, 'api')
  })

  test('the operator detail names only what is missing', () => {
    const allMissing = captureRefusal(() => assertScopes(new Set(['a']), scopeRequirement(['a', 'b'])))
    assert.equal(allMissing.detail, 'missing scope(s): b (granted: a)')
    const anyMissing = captureRefusal(() => assertScopes(new Set(['a']), scopeRequirement(['a'], ['c', 'd'])))
    assert.equal(anyMissing.detail, 'needs one of: c, d (granted: a)', 'issue 11 case 12: an any-of refusal does not read as "both"')
    const both = captureRefusal(() => assertScopes(new Set(), scopeRequirement(['b'], ['c', 'd'])))
    assert.equal(both.detail, 'missing scope(s): b; needs one of: c, d (granted: none)')
  })
})

function captureRefusal(run: () => void): InsufficientScopeError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof InsufficientScopeError, `expected InsufficientScopeError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a refusal')
}
