/**
 * Attacks on the token's shape: critical extensions, unencoded payloads (RFC 7797), JWE and JSON
 * serialisations, wrong segment counts, characters outside base64url, payloads that are not a JSON object
 * or not UTF-8, and size. Where a signature is needed it is the real issuer's, so that the shape check is
 * the only thing being tested.
 */
import type { AttackCase, CorpusFixtures } from './corpus-fixtures.js'
import { b64url, segment, splitToken } from './forge.js'

const header = (f: CorpusFixtures, extra: Record<string, unknown>) => ({ alg: 'RS256', kid: f.keys.rsa.kid, typ: 'at+jwt', ...extra })

function critCases(): AttackCase[] {
  return [
    { name: 'crit naming an unknown extension', token: (f) => f.issuerSigned(f.claims(), header(f, { crit: ['x-policy'], 'x-policy': 'open' })), expect: 'token_unsupported' },
    { name: 'crit naming a registered parameter (alg)', token: (f) => f.issuerSigned(f.claims(), header(f, { crit: ['alg'] })), expect: 'token_unsupported' },
    { name: 'crit empty array', token: (f) => f.issuerSigned(f.claims(), header(f, { crit: [] })), expect: 'token_malformed' },
    { name: 'crit as a string', token: (f) => f.issuerSigned(f.claims(), header(f, { crit: 'x-policy', 'x-policy': 1 })), expect: 'token_malformed' },
    { name: 'crit b64 without the b64 member', token: (f) => f.issuerSigned(f.claims(), header(f, { crit: ['b64'] })), expect: 'token_malformed' },
    { name: 'b64: false (unencoded payload, RFC 7797)', token: (f) => f.issuerSigned(f.claims(), header(f, { b64: false, crit: ['b64'] })), expect: 'token_malformed' },
  ]
}

function serialisationCases(): AttackCase[] {
  const jwe = (alg: string, enc: string) => [segment({ alg, enc }), b64url('encrypted-key'), b64url('iv-iv-iv-iv!'), b64url('ciphertext'), b64url('tag-tag-tag-tag!')].join('.')
  const good = (f: CorpusFixtures) => f.issuer.mint()
  return [
    { name: 'JWE-shaped token (5 segments, RSA-OAEP)', token: () => jwe('RSA-OAEP', 'A256GCM'), expect: 'token_malformed' },
    { name: 'JWE-shaped token (5 segments, dir)', token: () => jwe('dir', 'A128CBC-HS256'), expect: 'token_malformed' },
    { name: 'one segment', token: async (f) => splitToken(await good(f))[0], expect: 'token_malformed' },
    { name: 'two segments', token: async (f) => splitToken(await good(f)).slice(0, 2).join('.'), expect: 'token_malformed' },
    { name: 'four segments (valid token plus one)', token: async (f) => `${await good(f)}.${b64url('extra')}`, expect: 'token_malformed' },
    { name: 'six segments', token: async (f) => `${await good(f)}.a.b.c`, expect: 'token_malformed' },
    { name: 'only separators', token: () => '..', expect: 'token_malformed' },
    { name: 'header and payload swapped', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${p}.${h}.${s}` }, expect: 'token_malformed' },
    {
      name: 'flattened JSON serialisation',
      token: async (f) => { const [h, p, s] = splitToken(await good(f)); return JSON.stringify({ protected: h, payload: p, signature: s }) },
      expect: 'token_malformed',
    },
  ]
}

function characterCases(): AttackCase[] {
  const good = (f: CorpusFixtures) => f.issuer.mint()
  return [
    { name: 'base64 "+" and "/" in the header segment', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${h.slice(0, 4)}+/${h.slice(4)}.${p}.${s}` }, expect: 'token_malformed' },
    { name: 'percent-encoded separator', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${h}%2E${p}.${s}` }, expect: 'token_malformed' },
    // Header and payload text are the signing input, so an altered spelling is malformed or a bad signature.
    { name: '"!" inside the payload segment', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${h}.${p.slice(0, 5)}!${p.slice(5)}.${s}` }, expect: ['token_malformed', 'signature_invalid'] },
    { name: '"=" padding on the header segment', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${h}==.${p}.${s}` }, expect: ['token_malformed', 'signature_invalid'] },
    { name: 'space inside the header segment', token: async (f) => { const [h, p, s] = splitToken(await good(f)); return `${h.slice(0, 6)} ${h.slice(6)}.${p}.${s}` }, expect: ['token_malformed', 'signature_invalid'] },
  ]
}

function payloadCases(): AttackCase[] {
  return [
    { name: 'payload is a JSON array', token: (f) => f.issuerSigned(`[${JSON.stringify(f.claims())}]`), expect: 'token_malformed' },
    { name: 'payload is null', token: (f) => f.issuerSigned('null'), expect: 'token_malformed' },
    { name: 'payload is a number', token: (f) => f.issuerSigned('42'), expect: 'token_malformed' },
    { name: 'payload is a string', token: (f) => f.issuerSigned('"claims"'), expect: 'token_malformed' },
    { name: 'payload is true', token: (f) => f.issuerSigned('true'), expect: 'token_malformed' },
    { name: 'payload is empty', token: (f) => f.issuerSigned(new Uint8Array(0)), expect: 'token_malformed' },
    { name: 'payload is not UTF-8', token: (f) => f.issuerSigned(Buffer.concat([Buffer.from(JSON.stringify(f.claims()).slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', 'latin1')])), expect: 'token_malformed' },
    { name: 'payload has trailing garbage', token: (f) => f.issuerSigned(`${JSON.stringify(f.claims())}x`), expect: 'token_malformed' },
    { name: 'header is a JSON array', token: (f) => f.issuerSigned(f.claims(), '[{"alg":"RS256"}]'), expect: 'token_malformed' },
    { name: 'header is not UTF-8', token: (f) => f.issuerSigned(f.claims(), Buffer.from('{"alg":"RS256","kid":"\xff"}', 'latin1')), expect: 'token_malformed' },
    {
      name: 'claim nested 2500 levels deep (no stack exhaustion; unused claims are fine)',
      token: (f) => f.issuerSigned(f.claims({ deep: JSON.parse(`${'['.repeat(2500)}${']'.repeat(2500)}`) as unknown })),
      expect: 'accepted',
    },
  ]
}

function sizeCases(): AttackCase[] {
  return [
    { name: 'signed token just over maxTokenLength (8192)', token: (f) => f.issuerSigned(f.claims({ padding: 'p'.repeat(6000) })), expect: 'token_too_large' },
    { name: '9000 characters of nothing', token: () => 'a'.repeat(9000), expect: 'token_too_large' },
  ]
}

export const STRUCTURE_CASES: readonly AttackCase[] = [...critCases(), ...serialisationCases(), ...characterCases(), ...payloadCases(), ...sizeCases()]
