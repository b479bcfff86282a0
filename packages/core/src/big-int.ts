/** The integer arithmetic the key checks need (key members are big-endian base64url integers, RFC 7518 §2). */
import { base64url } from 'jose'
import { isCanonicalBase64url } from './compact-syntax.js'

/** The bytes of a base64url member, or `undefined` when it is not a non-empty string in canonical unpadded base64url. */
export function memberBytes(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value === '' || !isCanonicalBase64url(value)) return undefined
  return base64url.decode(value)
}

/** A big-endian unsigned integer. */
export function bigIntOf(bytes: Uint8Array): bigint {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex === '' ? 0n : BigInt(`0x${hex}`)
}

/** Big-endian bytes of `value`, left-padded with zeros to `length`. */
export function bytesOf(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0')
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

/** Number of significant bits of a non-negative integer. */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}

/** `base ** exponent mod modulus`, by square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let square = ((base % modulus) + modulus) % modulus
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if ((rest & 1n) === 1n) result = (result * square) % modulus
    square = (square * square) % modulus
  }
  return result
}

/** `value mod modulus` in `[0, modulus)`, also for negative values. */
export function mod(value: bigint, modulus: bigint): bigint {
  const remainder = value % modulus
  return remainder < 0n ? remainder + modulus : remainder
}
