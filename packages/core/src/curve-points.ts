/**
 * Whether a public point is a usable key: on its curve, canonically encoded, and for Ed25519 not of small
 * order. WebCrypto in Node 20 refuses an off-curve NIST point only when the key is imported, i.e. at the
 * first token naming it, as an opaque failure; other runtimes differ. For Ed25519 it accepts a small-order
 * key, with which `[S]B = R + [k]A` holds for R = identity and S = 0 whatever the message: a forgery anyone
 * can make (tested). These checks run once per key, when a key set is loaded.
 *
 * @see https://www.secg.org/sec2-v2.pdf (curve parameters) · RFC 8032 §5.1.3 (Ed25519 point decoding)
 */
import { bigIntOf, mod, modPow } from './big-int.js'

interface WeierstrassCurve {
  /** Coordinate length in bytes (RFC 7518 §6.2.1.2: x and y are always full length). */
  size: number
  p: bigint
  b: bigint
}

// y² = x³ − 3x + b over GF(p), SEC 2 §2.4.2, §2.5.1, §2.6.1.
const NIST_CURVES: Readonly<Record<string, WeierstrassCurve>> = {
  'P-256': { size: 32, p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n, b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn },
  'P-384': {
    size: 48,
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  'P-521': {
    size: 66,
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
}

/** Why the EC point `(x, y)` on `crv` is no key, or `undefined` when it is one. */
export function nistPointProblem(crv: string, x: Uint8Array, y: Uint8Array): string | undefined {
  const curve = NIST_CURVES[crv]
  if (curve === undefined) return `curve ${crv} is not supported`
  if (x.length !== curve.size || y.length !== curve.size) return `coordinates of ${crv} must be ${curve.size} bytes each`
  const [px, py] = [bigIntOf(x), bigIntOf(y)]
  if (px >= curve.p || py >= curve.p) return 'a coordinate is not reduced modulo the field prime'
  const left = (py * py) % curve.p
  const right = mod(px * px * px - 3n * px + curve.b, curve.p)
  return left === right ? undefined : `the point is not on ${crv}`
}

// Edwards25519: −x² + y² = 1 + d·x²·y² over GF(2^255 − 19), RFC 8032 §5.1.
const P = 2n ** 255n - 19n
const D = mod(-121665n * modPow(121666n, P - 2n, P), P)
const SQRT_MINUS_ONE = modPow(2n, (P - 1n) / 4n, P)

type Point = readonly [x: bigint, y: bigint]

/** Why the Ed25519 public key `x` (32 bytes, RFC 8037 §2) is no key, or `undefined` when it is one. */
export function ed25519PointProblem(encoded: Uint8Array): string | undefined {
  if (encoded.length !== 32) return 'an Ed25519 key must be 32 bytes'
  const point = decodeEd25519(encoded)
  if (typeof point === 'string') return point
  let multiple: Point = point
  for (let i = 0; i < 3; i++) multiple = add(multiple, multiple)
  // [8]A = identity: A has order 1, 2, 4 or 8, and signatures "by" it can be made without any private key.
  return multiple[0] === 0n && multiple[1] === 1n ? 'the Ed25519 point has small order' : undefined
}

function decodeEd25519(encoded: Uint8Array): Point | string {
  const littleEndian = Uint8Array.from(encoded).reverse()
  const sign = littleEndian[0]! >> 7
  littleEndian[0]! &= 0x7f
  const y = bigIntOf(littleEndian)
  if (y >= P) return 'the Ed25519 point is not canonically encoded'
  const u = mod(y * y - 1n, P)
  const v = mod(D * y * y + 1n, P)
  const ratio = (u * modPow(v, P - 2n, P)) % P
  let x = modPow(ratio, (P + 3n) / 8n, P)
  if ((x * x) % P !== ratio) x = (x * SQRT_MINUS_ONE) % P
  if ((x * x) % P !== ratio) return 'the point is not on Ed25519'
  if (x === 0n && sign === 1) return 'the Ed25519 point is not canonically encoded'
  if (Number(x & 1n) !== sign) x = P - x
  return [x, y]
}

// The Edwards addition law, complete on this curve (d is not a square), so it also doubles.
function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = (D * x1 * x2 * y1 * y2) % P
  const x3 = ((x1 * y2 + y1 * x2) * modPow(1n + t, P - 2n, P)) % P
  const y3 = ((y1 * y2 + x1 * x2) * modPow(mod(1n - t, P), P - 2n, P)) % P
  return [x3, y3]
}
