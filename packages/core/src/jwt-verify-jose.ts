/**
 * The JWT verification engine on every runtime but Node (Bun, Deno, Workers, browsers, and Node itself
 * under `--conditions=tokenguard-jose`): jose's `jwtVerify`, the reference the Node engine is tested against.
 * Chosen by the `#jwt-verify` entry of this package's `imports` map.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose'

export { jwtVerify as verifyJwt } from 'jose'

/** Which engine verifies signatures in this process (`jwt-verify-node.ts` is the other). */
export const SIGNATURE_ENGINE: 'jose' | 'node:crypto' = 'jose'

/** Reads a compact JWS's header and payload without verifying anything; `undefined` when it cannot be read. */
export function decodeUnverified(token: string): { header: ProtectedHeaderParameters; payload: JWTPayload } | undefined {
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) }
  } catch {
    return undefined
  }
}
