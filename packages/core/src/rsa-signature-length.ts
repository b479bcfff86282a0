/**
 * An RSA signature is exactly k octets, k the modulus length (RFC 8017 §8.1.2 and §8.2.2, step 1: any other
 * length is an invalid signature). OpenSSL, under both signature engines, also accepts one whose leading zero
 * octets were stripped: a token whose signature starts with a zero octet (one in 256) would have a second
 * spelling that verifies, a string that deny lists and the token cache do not know.
 */

/** Whether `token`'s signature has the length the RSA `key` that verified it requires (`true` for other keys). */
export function hasFullLengthRsaSignature(token: string, key: unknown): boolean {
  const algorithm = typeof key === 'object' && key !== null ? (key as { algorithm?: { name?: unknown; modulusLength?: unknown } }).algorithm : undefined
  const modulusLength = algorithm?.modulusLength
  if (typeof modulusLength !== 'number' || typeof algorithm?.name !== 'string' || !algorithm.name.startsWith('RSA')) return true
  // A canonical unpadded base64url segment of n octets is ceil(4n / 3) characters: floor(3 × length / 4) is n.
  const encodedLength = token.length - token.lastIndexOf('.') - 1
  return Math.floor((3 * encodedLength) / 4) === Math.ceil(modulusLength / 8)
}
