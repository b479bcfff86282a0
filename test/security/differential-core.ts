/**
 * What the differential test takes from core's internals, so that both engines see exactly what they see in
 * production: the key resolvers of `key-source.ts` (a fixed JWK Set through `loadKeySet`, one
 * `createLocalJWKSet` per key, each bound to one algorithm; the shared secret imported once per HMAC
 * algorithm), the settled options, and jose's options built from them as `issuer-check.ts` builds them,
 * with `currentDate` fixed. A `publicKey` option gives `public-key.ts`'s resolver. Internal modules are loaded from the built package (see differential-engines.ts).
 */
import type { JSONWebKeySet, JWTVerifyGetKey, JWTVerifyOptions } from 'jose'
import type { VerifierOptions } from '@tokenguard/core'
import type * as KeySourceModule from '../../packages/core/dist/key-source.js'
import type * as OptionsModule from '../../packages/core/dist/options.js'
import type * as PublicKeyModule from '../../packages/core/dist/public-key.js'
import type * as CompactSyntaxModule from '../../packages/core/dist/compact-syntax.js'
import type * as IssuerCheckModule from '../../packages/core/dist/issuer-check.js'

const load = async <T>(path: string) => (await import(new URL(`../../../${path}`, import.meta.url).href)) as T
const { LocalKeySource } = await load<typeof KeySourceModule>('packages/core/dist/key-source.js')
const { settleFixedKey, settleOptions, settleSecret } = await load<typeof OptionsModule>('packages/core/dist/options.js')
const { PublicKeySource } = await load<typeof PublicKeyModule>('packages/core/dist/public-key.js')
const { isCanonicalCompactJws } = await load<typeof CompactSyntaxModule>('packages/core/dist/compact-syntax.js')
const { joseOptionsFor } = await load<typeof IssuerCheckModule>('packages/core/dist/issuer-check.js')

export { isCanonicalCompactJws }
export type SettledOptions = ReturnType<typeof settleOptions>

/** jose's options for one issuer, as `issuer-check.ts` builds them (its own function), at a fixed time. */
export function joseOptionsOf(settings: SettledOptions, currentDate: Date): JWTVerifyOptions {
  return { ...joseOptionsFor(settings), currentDate }
}

/** One issuer's verification as tokenguard sets it up: the settled options and the key resolver. */
export interface IssuerSetup {
  settings: SettledOptions
  resolver: JWTVerifyGetKey
  options: JWTVerifyOptions
}

/**
 * Settles `options` (a single issuer with `jwks`, `secret` or `publicKey`, or with none of them and `published`
 * keys, which is what a remote key source loads from a fetched set) and builds its resolver.
 */
export function issuerSetup(options: VerifierOptions, currentDate: Date, published?: JSONWebKeySet): IssuerSetup {
  const settings = settleOptions(options)
  return { settings, resolver: resolverOf(options, settings, published), options: joseOptionsOf(settings, currentDate) }
}

function resolverOf(options: VerifierOptions, settings: SettledOptions, published: JSONWebKeySet | undefined): JWTVerifyGetKey {
  if (options.secret !== undefined) return LocalKeySource.fromSecret(settleSecret(options.secret)).getKey
  const fixedKey = settleFixedKey(options)
  if (fixedKey !== undefined) return new PublicKeySource(fixedKey).getKey
  return LocalKeySource.fromJwks(options.jwks ?? published ?? { keys: [] }, settings.algorithms, settings.issuer).getKey
}
