/**
 * The JWT verification engine on every runtime but Node (Bun, Deno, Workers, browsers, and Node itself
 * under `--conditions=tokenguard-jose`): jose's `jwtVerify`, the reference the Node engine is tested against.
 * Chosen by the `#jwt-verify` entry of this package's `imports` map.
 */
export { jwtVerify as verifyJwt } from 'jose'

/** Which engine verifies signatures in this process (`jwt-verify-node.ts` is the other). */
export const SIGNATURE_ENGINE: 'jose' | 'node:crypto' = 'jose'
