/**
 * Mutations aimed at the signature step, the one part the two engines do differently: bit flips in the
 * signature bytes, truncation and extension, ECDSA signatures of the wrong length, DER-encoded instead of
 * r ‖ s, the high-s twin, zero and curve-order values, RSA signatures with a leading zero byte stripped or
 * added, `alg` swapped within and across families, `kid` swapped for another key's, an unknown one or none.
 * `differentialMutation` mixes them with the general mutators of mutations.ts.
 */
import fc from 'fast-check'
import { b64url, decodeSegment, segment, splitToken } from './forge.js'
import { ECDSA, highSTwin, KIDS } from './differential-targets.js'
import { tokenMutation, type Mutation } from './mutations.js'

/** A mutation with the kind it is counted under (general mutations of mutations.ts have none). */
export interface KindedMutation extends Mutation {
  kind?: string
}

function mutation(label: string, apply: (token: string) => string, kind?: string): KindedMutation {
  return { label, apply, kind, [fc.toStringMethod]: () => label } as KindedMutation
}

const algOf = (token: string): unknown => {
  try {
    return decodeSegment(splitToken(token)[0]).alg
  } catch {
    return undefined
  }
}

/** Applies `change` to the decoded signature bytes. */
function mapSignature(kind: string, label: string, change: (signature: Buffer, alg: unknown) => Buffer): KindedMutation {
  return mutation(label, (token) => {
    const [header, payload, signature] = splitToken(token)
    return `${header}.${payload}.${b64url(change(Buffer.from(signature, 'base64url'), algOf(token)))}`
  }, kind)
}

/** Applies `change` to the decoded header (the signature stays as it was). */
function mapHeader(kind: string, label: string, change: (header: Record<string, unknown>) => Record<string, unknown>): KindedMutation {
  return mutation(label, (token) => {
    const [header, payload, signature] = splitToken(token)
    try {
      return `${segment(change(decodeSegment(header)))}.${payload}.${signature}`
    } catch {
      return token
    }
  }, kind)
}

const bitFlip = fc.record({ position: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(({ position, bit }) =>
  mapSignature('signature bit flip', `flip signature bit ${bit} of byte ${position}`, (signature) => {
    if (signature.length > 0) signature[position % signature.length]! ^= 1 << bit
    return signature
  }),
)

const resize = fc.record({ end: fc.constantFrom('start', 'end'), by: fc.integer({ min: -4, max: 4 }).filter((n) => n !== 0), fill: fc.constantFrom(0x00, 0xff, 0x01) }).map(({ end, by, fill }) =>
  mapSignature('signature cut or extended', `${by < 0 ? `cut ${-by}` : `add ${by}`} byte(s) (0x${fill.toString(16)}) at the signature's ${end}`, (signature) => {
    if (by < 0) return end === 'start' ? signature.subarray(-by) : signature.subarray(0, Math.max(0, signature.length + by))
    const extra = Buffer.alloc(by, fill)
    return end === 'start' ? Buffer.concat([extra, signature]) : Buffer.concat([signature, extra])
  }),
)

const halves = (signature: Buffer, alg: unknown) => {
  const size = typeof alg === 'string' ? ECDSA[alg]?.size : undefined
  return size === undefined || signature.length !== 2 * size ? undefined : [signature.subarray(0, size), signature.subarray(size)] as const
}

/** ECDSA r and s each one byte longer (zero-padded) or shorter (first byte dropped): the wrong length. */
const ecdsaLength = fc.constantFrom('pad', 'strip').map((how) =>
  mapSignature('ECDSA r and s of the wrong length', `ECDSA r and s each ${how === 'pad' ? 'zero-padded by one byte' : 'cut by their first byte'}`, (signature, alg) => {
    const parts = halves(signature, alg)
    if (parts === undefined) return signature
    const change = (half: Buffer) => (how === 'pad' ? Buffer.concat([Buffer.alloc(1), half]) : half.subarray(1))
    return Buffer.concat([change(parts[0]), change(parts[1])])
  }),
)

function derInteger(value: Buffer): Buffer {
  let bytes = value
  while (bytes.length > 1 && bytes[0] === 0 && bytes[1]! < 0x80) bytes = bytes.subarray(1)
  if (bytes[0]! >= 0x80) bytes = Buffer.concat([Buffer.alloc(1), bytes])
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes])
}

function derLength(length: number): Buffer {
  return length < 0x80 ? Buffer.from([length]) : Buffer.from([0x81, length])
}

/** The same ECDSA signature DER-encoded (what node:crypto produces by default, and JOSE forbids). */
const ecdsaDer = fc.constant(mapSignature('ECDSA DER-encoded', 'ECDSA signature DER-encoded instead of r ‖ s', (signature, alg) => {
  const parts = halves(signature, alg)
  if (parts === undefined) return signature
  const body = Buffer.concat([derInteger(parts[0]), derInteger(parts[1])])
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body])
}))

const ecdsaTwin = fc.constant(mutation('ECDSA high-s twin (s → n − s)', (token) => {
  const alg = algOf(token)
  return typeof alg === 'string' && alg in ECDSA && halves(Buffer.from(splitToken(token)[2], 'base64url'), alg) !== undefined ? highSTwin(token, alg) : token
}, 'ECDSA high-s twin'))

/** Degenerate values: r or s zero, or equal to the curve order (the "psychic signature" family), or all zeros. */
const degenerate = fc.constantFrom('zeros', 'r=0', 's=0', 'r=n', 's=n', 'ones').map((how) =>
  mapSignature('degenerate signature', `degenerate signature (${how})`, (signature, alg) => {
    if (how === 'zeros') return Buffer.alloc(signature.length)
    if (how === 'ones') return Buffer.alloc(signature.length, 0xff)
    const parts = halves(signature, alg)
    if (parts === undefined) return signature
    const curve = ECDSA[alg as string]!
    const value = how.endsWith('0') ? Buffer.alloc(curve.size) : Buffer.from(curve.n.toString(16).padStart(curve.size * 2, '0'), 'hex')
    return how.startsWith('r') ? Buffer.concat([value, parts[1]]) : Buffer.concat([parts[0], value])
  }),
)

/** RSA: a leading zero byte stripped (when there is one, else the first byte) or one added. */
const rsaLeadingZero = fc.constantFrom('strip', 'add').map((how) =>
  mapSignature('RSA leading zero byte', `signature with a leading zero byte ${how === 'strip' ? 'stripped' : 'added'}`, (signature) =>
    how === 'add' ? Buffer.concat([Buffer.alloc(1), signature]) : signature.subarray(1)),
)

const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'HS256', 'HS384', 'HS512', 'none', 'ES256K', 'RSA-OAEP', 'A128KW']
const algSwap = fc.constantFrom(...ALGS).map((alg) => mapHeader('alg swap', `alg swapped to ${alg}`, (header) => ({ ...header, alg })))

const kidSwap = fc.oneof(
  fc.constantFrom(...KIDS).map((kid) => mapHeader('kid swap', `kid swapped to ${kid}`, (header) => ({ ...header, kid }))),
  fc.constant(mapHeader('kid swap', 'kid removed', ({ kid: _kid, ...header }) => header)),
  fc.constantFrom('unknown-kid', '', '../../etc/passwd', 'diff-rs256').map((kid) => mapHeader('kid swap', `kid set to ${JSON.stringify(kid)}`, (header) => ({ ...header, kid }))),
)

/** Both at once: the algorithm and the key the header names changed together. */
const algAndKid = fc.tuple(fc.constantFrom(...ALGS), fc.constantFrom(...KIDS)).map(([alg, kid]) => mapHeader('alg and kid swap', `alg ${alg} and kid ${kid}`, (header) => ({ ...header, alg, kid })))

/** The signature-focused mutations alone. */
export const signatureMutation: fc.Arbitrary<KindedMutation> = fc.oneof(bitFlip, resize, ecdsaLength, ecdsaDer, ecdsaTwin, degenerate, rsaLeadingZero, algSwap, kidSwap, algAndKid)

const GENERAL = 'general (mutations.ts)'

/** What the differential test applies: signature mutations, general ones, a signature mutation after a general one, or none. */
export const differentialMutation: fc.Arbitrary<KindedMutation> = fc.oneof(
  { weight: 5, arbitrary: signatureMutation },
  { weight: 4, arbitrary: tokenMutation.map((m) => mutation(m.label, m.apply, GENERAL)) },
  { weight: 1, arbitrary: fc.tuple(tokenMutation, signatureMutation).map(([a, b]) => mutation(`${a.label}, then ${b.label}`, (token) => b.apply(a.apply(token)), `${GENERAL}, then ${b.kind}`)) },
  { weight: 1, arbitrary: fc.constant(mutation('unmodified', (token) => token, 'unmodified')) },
)

/** The kinds of signatureMutation, to check that each reached the native signature step. */
export const SIGNATURE_MUTATION_KINDS: readonly string[] = [
  'signature bit flip', 'signature cut or extended', 'ECDSA r and s of the wrong length', 'ECDSA DER-encoded', 'ECDSA high-s twin', 'degenerate signature',
  'RSA leading zero byte', 'alg swap', 'kid swap', 'alg and kid swap',
]
