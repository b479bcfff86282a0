/**
 * Before a variant is measured, it must prove that it checks what it claims to: a good token passes, and
 * for protected variants a missing token, a token signed by another key, one for another audience and one
 * without the scope are refused. A variant that lets a bad token through would win any benchmark.
 */
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import type { KeyServer, SigningKey } from '../../test/support/key-server.js'
import { benchClaims, rs256Signer } from './signing.js'
import { ROUTE } from './variants.js'

export interface SanityTokens {
  good: string
  foreignKey: string
  wrongAudience: string
  noScope: string
}

export async function sanityTokens(server: KeyServer, foreign: SigningKey): Promise<SanityTokens> {
  return {
    good: await server.mint(),
    foreignKey: await server.mint({}, { key: { ...foreign, kid: server.published[0]!.kid } }),
    wrongAudience: await server.mint({ aud: 'https://another.api.test' }),
    noScope: await server.mint({ scope: 'write:data' }),
  }
}

/** The same cases for the bench key (`signing.ts`); the foreign token is signed by a new key under the bench key's `kid`. */
export function benchSanityTokens(privateJwk: JsonWebKey): SanityTokens {
  const now = Math.floor(Date.now() / 1000)
  const claims = benchClaims(-1, now, now + 600)
  const sign = rs256Signer(privateJwk)
  const foreign = rs256Signer(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }))
  return {
    good: sign(claims),
    foreignKey: foreign(claims),
    wrongAudience: sign({ ...claims, aud: 'https://another.api.test' }),
    noScope: sign({ ...claims, scope: 'write:data' }),
  }
}

/** Throws when the variant answers any case other than expected. */
export async function checkVariant(url: string, protectedRoute: boolean, tokens: SanityTokens): Promise<void> {
  const cases: Array<[name: string, token: string | undefined, accept: (status: number) => boolean]> = [
    ['good token', tokens.good, (status) => status === 200],
    ['no token', undefined, (status) => (protectedRoute ? status === 401 : status === 200)],
    ['foreign signature', tokens.foreignKey, (status) => (protectedRoute ? status === 401 : status === 200)],
    ['wrong audience', tokens.wrongAudience, (status) => (protectedRoute ? status === 401 : status === 200)],
    ['missing scope', tokens.noScope, (status) => (protectedRoute ? status === 403 : status === 200)],
  ]
  for (const [name, token, accept] of cases) {
    const response = await fetch(`${url}${ROUTE}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
    await response.arrayBuffer()
    if (!accept(response.status)) throw new Error(`bench: ${url} answered ${response.status} for "${name}"`)
  }
}
