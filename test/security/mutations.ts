/**
 * fast-check arbitraries that damage a real token the ways attackers and broken clients do: bit flips in
 * the text or in the decoded bytes, segment swaps and drops, re-encodings (padding, base64 alphabet, JSON
 * respelled), truncations, insertions, deletions, edited claims and headers under the original signature.
 * Each mutation carries a label, so a counterexample says what was done.
 */
import fc from 'fast-check'
import { b64url } from './forge.js'

export interface Mutation {
  label: string
  apply(token: string): string
}

/** A mutation that fast-check prints by its label in counterexamples. */
function mutation(label: string, apply: (token: string) => string): Mutation {
  return { label, apply, [fc.toStringMethod]: () => label } as Mutation
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const INSERTABLE = [...'.=+/ \t~!%"\\', '\r', '\n', '\u0000', 'é', '\u2028', '😀', 'A', '_', '-']

const segments = (token: string) => token.split('.')
const at = (length: number, position: number) => (length === 0 ? 0 : position % length)

function decoded(segment: string): Buffer {
  return Buffer.from(segment, 'base64url')
}

function mapSegment(index: number, change: (segment: string) => string): (token: string) => string {
  return (token) => {
    const parts = segments(token)
    const i = at(parts.length, index)
    parts[i] = change(parts[i] ?? '')
    return parts.join('.')
  }
}

const textBitFlip = fc.record({ position: fc.nat(), bit: fc.integer({ min: 0, max: 5 }) }).map(({ position, bit }) =>
  mutation(`flip text bit ${bit} at ${position}`, (token) => {
    const i = at(token.length, position)
    const index = ALPHABET.indexOf(token[i] ?? '')
    const replacement = index === -1 ? String.fromCharCode((token.charCodeAt(i) ^ (1 << bit)) & 0x7f) : ALPHABET[index ^ (1 << bit)]!
    return `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`
  }),
)

const byteBitFlip = fc.record({ segment: fc.nat(2), position: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(({ segment, position, bit }) =>
  mutation(`flip byte bit ${bit} at ${position} of segment ${segment}`, mapSegment(segment, (text) => {
    const bytes = decoded(text)
    if (bytes.length > 0) bytes[at(bytes.length, position)]! ^= 1 << bit
    return b64url(bytes)
  })),
)

const segmentShuffle = fc.oneof(
  fc.record({ i: fc.nat(2), j: fc.nat(2) }).map(({ i, j }) =>
    mutation(`swap segments ${i} and ${j}`, (token) => {
      const parts = segments(token)
      ;[parts[i], parts[j]] = [parts[j] ?? '', parts[i] ?? '']
      return parts.join('.')
    }),
  ),
  fc.nat(2).map((i) => mutation(`drop segment ${i}`, (token) => segments(token).filter((_, k) => k !== i).join('.'))),
  fc.nat(2).map((i) => mutation(`repeat segment ${i}`, (token) => { const parts = segments(token); parts.splice(i, 0, parts[i] ?? ''); return parts.join('.') })),
  fc.constant(mutation('token twice', (token) => `${token}.${token}`)),
)

const reEncoding = fc.record({
  segment: fc.nat(2),
  how: fc.constantFrom('padding', 'base64-alphabet', 'json-spaces', 'json-unicode-escapes', 'trailing-newline'),
}).map(({ segment, how }) =>
  mutation(`re-encode segment ${segment} (${how})`, mapSegment(segment, (text) => {
    const bytes = decoded(text)
    switch (how) {
      case 'padding':
        return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_')
      case 'base64-alphabet':
        return bytes.toString('base64').replace(/=+$/, '')
      case 'trailing-newline':
        return `${text}\n`
      default:
        return respellJson(bytes, how) ?? `${text}=`
    }
  })),
)

/** The same JSON spelled differently: a verifier must check the signature over the text, not the meaning. */
function respellJson(bytes: Buffer, how: string): string | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    const text = how === 'json-spaces' ? JSON.stringify(value, null, 1) : JSON.stringify(value).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
    return b64url(text)
  } catch {
    return undefined
  }
}

const truncation = fc.nat().map((position) => mutation(`truncate at ${position}`, (token) => token.slice(0, at(token.length, position))))

const insertion = fc.record({ position: fc.nat(), text: fc.array(fc.constantFrom(...INSERTABLE), { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')) }).map(
  ({ position, text }) => mutation(`insert ${JSON.stringify(text)} at ${position}`, (token) => { const i = at(token.length + 1, position); return `${token.slice(0, i)}${text}${token.slice(i)}` }),
)

const deletion = fc.record({ position: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }).map(({ position, length }) =>
  mutation(`delete ${length} at ${position}`, (token) => { const i = at(token.length, position); return `${token.slice(0, i)}${token.slice(i + length)}` }),
)

const caseFlip = fc.nat().map((position) =>
  mutation(`flip case at ${position}`, (token) => {
    const i = at(token.length, position)
    const c = token[i] ?? ''
    const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
    return `${token.slice(0, i)}${flipped}${token.slice(i + 1)}`
  }),
)

const CLAIMS = ['iss', 'aud', 'exp', 'nbf', 'iat', 'scope', 'sub', 'client_id', '__proto__']
const HEADERS = ['alg', 'kid', 'typ', 'crit', 'b64', 'jwk', 'jku', 'x5c']
const HOSTILE_VALUES = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'at+jwt', 'dpop+jwt', 1e999, -1, ['b64'], false))

/** Edits one member of the header or the claims, keeping the original signature. */
const memberEdit = fc.record({ segment: fc.constantFrom(0, 1), member: fc.nat(), value: HOSTILE_VALUES }).map(({ segment, member, value }) => {
  const name = segment === 0 ? HEADERS[member % HEADERS.length]! : CLAIMS[member % CLAIMS.length]!
  return mutation(`set ${segment === 0 ? 'header' : 'claim'} ${name} = ${JSON.stringify(value)}`, mapSegment(segment, (text) => {
    try {
      const object = JSON.parse(decoded(text).toString('utf8')) as Record<string, unknown>
      return b64url(JSON.stringify({ ...object, [name]: value }))
    } catch {
      return text
    }
  }))
})

/** Any one mutation, or two in a row. */
const single = fc.oneof(textBitFlip, byteBitFlip, segmentShuffle, reEncoding, truncation, insertion, deletion, caseFlip, memberEdit)
export const tokenMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: single },
  { weight: 1, arbitrary: fc.tuple(single, single).map(([a, b]) => mutation(`${a.label}, then ${b.label}`, (token) => b.apply(a.apply(token)))) },
)
