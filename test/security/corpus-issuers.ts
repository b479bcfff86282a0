/**
 * Attacks on issuer selection in multi-issuer verifiers: the token's unverified `iss` picks the issuer, so
 * it is attacker input. An untrusted or oddly shaped `iss` must be refused before any network request, and
 * a token must verify only with the keys of the issuer it names (RFC 8725 §3.8: keys never pooled).
 */
import type { AttackCase, CorpusFixtures } from './corpus-fixtures.js'
import { withSignature } from './forge.js'

const listed = (c: Omit<AttackCase, 'profile'>): AttackCase => ({ ...c, profile: 'multi' })
const resolved = (c: Omit<AttackCase, 'profile'>): AttackCase => ({ ...c, profile: 'multiResolver' })
const otherHeader = (f: CorpusFixtures) => ({ alg: 'RS256', kid: f.keys.other.kid, typ: 'at+jwt' })
const firstHeader = (f: CorpusFixtures) => ({ alg: 'RS256', kid: f.keys.rsa.kid, typ: 'at+jwt' })

function listCases(): AttackCase[] {
  return [
    listed({ name: 'issuers list: control, a token of the first issuer', token: (f) => f.issuerSigned(), expect: 'accepted' }),
    listed({ name: 'issuers list: control, a token of the second issuer', token: (f) => f.otherSigned(), expect: 'accepted' }),
    listed({ name: 'issuers list: iss of the first, signed by the second (its kid)', token: (f) => f.otherSigned(f.claims(), otherHeader(f)), expect: 'key_not_found' }),
    listed({ name: 'issuers list: iss of the first, signed by the second (kid of the first)', token: (f) => f.otherSigned(f.claims(), firstHeader(f)), expect: 'signature_invalid' }),
    listed({ name: 'issuers list: iss of the second, signed by the first (its kid)', token: (f) => f.issuerSigned(f.claims({ iss: f.other.issuer })), expect: 'key_not_found' }),
    listed({ name: 'issuers list: iss of the trap, attacker key', token: (f) => f.attackerSigned({ alg: 'RS256', kid: 'attacker-rsa' }, f.claims({ iss: f.trap.url })), expect: 'issuer_not_trusted' }),
    listed({ name: 'issuers list: iss as an array holding a trusted one', token: (f) => f.issuerSigned(f.claims({ iss: [f.issuer.issuer] })), expect: 'issuer_not_trusted' }),
    listed({ name: 'issuers list: no iss', token: (f) => f.issuerSigned(f.claims({ iss: undefined })), expect: 'issuer_not_trusted' }),
    listed({ name: 'issuers list: iss with a trailing slash', token: (f) => f.issuerSigned(f.claims({ iss: `${f.issuer.issuer}/` })), expect: 'issuer_not_trusted' }),
    listed({ name: 'issuers list: alg none with a trusted iss', token: (f) => withSignature({ alg: 'none' }, f.claims(), ''), expect: 'algorithm_not_allowed' }),
    listed({ name: 'issuers list: payload that is not JSON', token: (f) => f.issuerSigned('not json'), expect: 'token_malformed' }),
    listed({
      name: 'issuers list: duplicate iss, trusted then the trap (last wins)',
      token: (f) => { const { iss: _iss, ...rest } = f.claims(); return f.issuerSigned(`{"iss":"${f.issuer.issuer}","iss":"${f.trap.url}",${JSON.stringify(rest).slice(1)}`) },
      expect: 'issuer_not_trusted',
    }),
  ]
}

function resolverCases(): AttackCase[] {
  return [
    resolved({ name: 'issuer resolver: control, the allowed issuer', token: (f) => f.issuerSigned(), expect: 'accepted' }),
    resolved({ name: 'issuer resolver: iss of the trap', token: (f) => f.attackerSigned({ alg: 'RS256' }, f.claims({ iss: f.trap.url })), expect: 'issuer_not_trusted' }),
    resolved({ name: 'issuer resolver: a real issuer it does not allow', token: (f) => f.otherSigned(), expect: 'issuer_not_trusted' }),
    resolved({ name: 'issuer resolver: iss "__proto__"', token: (f) => f.attackerSigned({ alg: 'RS256' }, f.claims({ iss: '__proto__' })), expect: 'issuer_not_trusted' }),
    resolved({ name: 'issuer resolver: iss "constructor"', token: (f) => f.attackerSigned({ alg: 'RS256' }, f.claims({ iss: 'constructor' })), expect: 'issuer_not_trusted' }),
    resolved({ name: 'issuer resolver: iss of 5000 characters', token: (f) => f.attackerSigned({ alg: 'RS256' }, f.claims({ iss: `https://${'a'.repeat(5000)}` })), expect: 'issuer_not_trusted' }),
    resolved({ name: 'issuer resolver: iss as a number', token: (f) => f.attackerSigned({ alg: 'RS256' }, f.claims({ iss: 42 })), expect: 'issuer_not_trusted' }),
  ]
}

export const ISSUER_CASES: readonly AttackCase[] = [...listCases(), ...resolverCases()]
