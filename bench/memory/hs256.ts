/**
 * Cheap, distinct HS256 access tokens for the memory run. They are ordinary JWS compact tokens (RFC 7515),
 * signed here with `node:crypto` HMAC: a few µs each, where an RS256 signature costs about a millisecond
 * (a million of those would take a quarter of an hour on this machine). The verifier still checks every
 * signature and claim in full; what the memory run measures is the cache's bound, which depends on the
 * number and size of entries, not on the algorithm. A `pad` claim makes each token about 1 KB, larger than
 * the RS256 tokens of the load benchmark, so that each cache entry is at least as big as a real one
 * (`BENCH_MEMORY_PAD` sets the claim's length, e.g. 5600 for tokens near the default 8192-character limit).
 */
import { createHmac } from 'node:crypto'

export const MEMORY_ISSUER = 'https://issuer.bench.test'
export const MEMORY_AUDIENCE = 'https://api.bench.test'
/** 32 bytes, the minimum tokenguard accepts for HS256. */
export const MEMORY_SECRET = 'bench-secret-bench-secret-bench-secret!'

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')
const PAD = 'x'.repeat(Number(process.env.BENCH_MEMORY_PAD ?? 560))

/** The `index`-th token: its own `sub`, `client_id` and `jti`, valid for an hour from `now` (epoch seconds). */
export function mintHs256(index: number, now: number): string {
  const payload = {
    iss: MEMORY_ISSUER, aud: MEMORY_AUDIENCE, sub: `client-${index}`, client_id: `client-${index}`,
    iat: now, exp: now + 3600, jti: `memory-${index}`, scope: 'read:data write:data', pad: PAD,
  }
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${input}.${createHmac('sha256', MEMORY_SECRET).update(input).digest('base64url')}`
}
