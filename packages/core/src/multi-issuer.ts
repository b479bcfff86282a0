/**
 * Several trusted issuers behind one verifier. The token's `iss` is read before verification for one
 * purpose only: to pick a trusted issuer from the allowlist (or the resolver). An issuer not on it is
 * refused without any network request; each issuer keeps its own key source, audience, algorithms and
 * scope claims, so keys are never pooled across issuers (RFC 8725 §3.8).
 */
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import { InvalidTokenError } from './errors.js'
import { createIssuerVerifier, type CheckedToken, type IssuerVerifier } from './issuer-verifier.js'
import type { KeySource } from './key-source.js'
import { settleRequestOptions, type VerifierOptions, type VerifierSettings } from './options.js'
import { tokenCacheFrom, type TokenCache } from './token-cache.js'
import type { Verifier } from './verify.js'

/** One trusted issuer: its own options; fields left out are taken from the top level. */
export type IssuerEntry = Omit<VerifierOptions, 'audience'> & { audience?: VerifierOptions['audience'] }

/**
 * Decides, from an untrusted `iss`, whether that issuer is trusted and with which options; `undefined`
 * refuses it. Called once per issuer (results are cached, at most `maxIssuers`), so it may be async.
 * The returned options' `issuer` must equal the `iss` it was asked about.
 */
export type IssuerResolver = (issuer: string) => IssuerEntry | undefined | Promise<IssuerEntry | undefined>

/** Options of a verifier that trusts several issuers. */
export interface MultiIssuerOptions extends Partial<Omit<VerifierOptions, 'issuer' | 'jwksUri' | 'jwks' | 'secret' | 'keySnapshot'>> {
  issuer?: never
  jwksUri?: never
  jwks?: never
  secret?: never
  keySnapshot?: never
  /**
   * The trusted issuers: a list (each entry's options override the top-level ones), or a resolver for
   * open-ended sets such as multi-tenant providers (e.g. Entra ID `…/{tenantid}/v2.0` with a tenant
   * allowlist).
   */
  issuers: readonly IssuerEntry[] | IssuerResolver
  /** With a resolver: most issuers kept (least recently used are dropped). Default is 100. */
  maxIssuers?: number | undefined
}

type Assemble = (settings: VerifierSettings, cache: TokenCache<CheckedToken> | undefined, check: (token: string) => Promise<CheckedToken>, keySource: KeySource) => Verifier

/** Builds a multi-issuer verifier; `assemble` is `verify.ts`' composition (passed in to keep layers acyclic). */
export function createMultiIssuerVerifier(options: MultiIssuerOptions, assemble: Assemble): Verifier {
  assertNoSharedKeys(options)
  const request = settleRequestOptions(options)
  const cache = tokenCacheFrom<CheckedToken>(options.tokenCache)
  const { issuers, maxIssuers, ...defaults } = options
  const build = (entry: IssuerEntry): IssuerVerifier =>
    createIssuerVerifier({ ...defaults, ...entry, ...requestFields(options) } as VerifierOptions, () => cache?.clear())

  const pick = typeof issuers === 'function' ? resolvingPicker(issuers, build, maxIssuers ?? 100) : listPicker(issuers, build)
  const known = typeof issuers === 'function' ? [] : [...pick.known.values()]
  const settings: VerifierSettings = {
    ...request,
    issuers: known.map((issuer) => issuer.settings.issuer),
    audience: unique(known.flatMap((issuer) => issuer.settings.audience).concat(audienceList(defaults.audience))),
    algorithms: unique(known.flatMap((issuer) => issuer.settings.algorithms)),
  }

  async function check(token: string): Promise<CheckedToken> {
    const iss = unverifiedIssuer(token, settings)
    const issuer = await pick.find(iss)
    if (issuer === undefined) {
      throw new InvalidTokenError({ ...settings.challenge, reason: 'issuer_not_trusted', detail: 'the token names an issuer that is not trusted' })
    }
    return issuer.check(token)
  }

  return assemble(settings, cache, check, compositeKeySource(() => [...pick.known.values()]))
}

// Keys belong to one issuer (RFC 8725 §3.8): at the top level they would be handed to every issuer.
const PER_ISSUER_ONLY = ['issuer', 'jwksUri', 'jwks', 'secret', 'keySnapshot'] as const

function assertNoSharedKeys(options: MultiIssuerOptions): void {
  const misplaced = PER_ISSUER_ONLY.filter((name) => (options as unknown as Record<string, unknown>)[name] !== undefined)
  if (misplaced.length > 0) throw new TypeError(`tokenguard: with "issuers", ${misplaced.join(', ')} belong in each issuer's entry, not at the top level`)
}

interface Picker {
  known: Map<string, IssuerVerifier>
  find(issuer: string): Promise<IssuerVerifier | undefined>
}

function listPicker(entries: readonly IssuerEntry[], build: (entry: IssuerEntry) => IssuerVerifier): Picker {
  if (!Array.isArray(entries) || entries.length === 0) throw new TypeError('tokenguard: "issuers" must be a non-empty array or a function')
  const known = new Map<string, IssuerVerifier>()
  for (const entry of entries) {
    const verifier = build(entry)
    if (known.has(verifier.settings.issuer)) throw new TypeError(`tokenguard: issuer ${verifier.settings.issuer} is listed twice`)
    known.set(verifier.settings.issuer, verifier)
  }
  return { known, find: async (issuer) => known.get(issuer) }
}

function resolvingPicker(resolve: IssuerResolver, build: (entry: IssuerEntry) => IssuerVerifier, max: number): Picker {
  const known = new Map<string, IssuerVerifier>()
  const pending = new LRUCache<string, Promise<IssuerVerifier | undefined>>({
    max,
    dispose: (_value, issuer) => known.delete(issuer),
  })
  async function load(issuer: string): Promise<IssuerVerifier | undefined> {
    const entry = await resolve(issuer)
    if (entry === undefined) return undefined
    if (entry.issuer !== issuer) throw new TypeError('tokenguard: the issuer resolver returned options for another issuer')
    const verifier = build(entry)
    known.set(issuer, verifier)
    return verifier
  }
  return {
    known,
    async find(issuer) {
      let found = pending.get(issuer)
      if (found === undefined) {
        // Only trusted issuers stay cached: an attacker's random `iss` values cannot evict them.
        found = load(issuer).catch(() => undefined)
        pending.set(issuer, found)
      }
      const verifier = await found
      if (verifier === undefined) pending.delete(issuer)
      return verifier
    },
  }
}

function unverifiedIssuer(token: string, settings: VerifierSettings): string {
  let iss: unknown
  try {
    iss = decodeJwt(token).iss
  } catch (error) {
    throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'the token cannot be decoded', cause: error })
  }
  if (typeof iss !== 'string') throw new InvalidTokenError({ ...settings.challenge, reason: 'issuer_not_trusted', detail: 'the token has no string "iss"' })
  return iss
}

function compositeKeySource(sources: () => IssuerVerifier[]): KeySource {
  return {
    getKey: async () => {
      throw new TypeError('tokenguard: a multi-issuer verifier has one key source per issuer')
    },
    ready: async () => void (await Promise.all(sources().map((issuer) => issuer.keySource.ready()))),
    refresh: async () => void (await Promise.all(sources().map((issuer) => issuer.keySource.refresh()))),
    maintain: () => sources().forEach((issuer) => issuer.keySource.maintain()),
    export: () => undefined,
    import: () => false,
  }
}

function requestFields(options: MultiIssuerOptions) {
  return { realm: options.realm, resourceMetadata: options.resourceMetadata, allowBodyToken: options.allowBodyToken, allowQueryToken: options.allowQueryToken }
}

function audienceList(audience: VerifierOptions['audience'] | undefined): string[] {
  return audience === undefined ? [] : typeof audience === 'string' ? [audience] : [...audience]
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
