/**
 * The token set of the load benchmark: valid RS256 access tokens minted by the bench's key server, each
 * distinct (own `jti` and `sub`), living for an hour so that none expires during the run.
 */
import type { KeyServer } from '../../test/support/key-server.js'

const LIFETIME_SECONDS = 3600
const PARALLEL = 64

/** Mints `count` distinct tokens with scope `read:data`, `PARALLEL` signatures in flight at a time. */
export async function mintTokens(server: KeyServer, count: number): Promise<string[]> {
  const tokens: string[] = new Array(count)
  const now = Math.floor(Date.now() / 1000)
  let next = 0
  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++
      tokens[index] = await server.mint({ sub: `client-${index}`, client_id: `client-${index}`, jti: `bench-${index}`, iat: now, exp: now + LIFETIME_SECONDS })
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker))
  return tokens
}
