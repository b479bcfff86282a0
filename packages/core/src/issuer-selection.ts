/**
 * Several trusted issuers behind one verifier. The token's `iss` is read before verification for one
 * purpose only: to pick a trusted issuer from the allowlist (or the resolver). An issuer not on it is
 * refused without any network request; each issuer keeps its own key source, audience, algorithms and
 * scope claims, so keys are never pooled across issuers (RFC 8725 §3.8). The selection is a check like a
 * single issuer's: the verifier puts the same cache and pipeline around either.
 */
import type { CheckRun } from './check-trace.js'
import { isCanonicalCompactJws } from './compact-syntax.js'
import { ConfigurationError, InvalidTokenError } from './errors.js'
import { combineIssuerOptions } from './issuer-entry.js'
import { createIssuerCheck, type CheckedToken, type IssuerCheck, type KeysRemoved } from './issuer-check.js'
import { resolvingPicker, type Build, type Picker } from './issuer-resolution.js'
import type { KeySource } from './key-source.js'
import { NO_KEY_OBSERVATION, type KeyObservation } from './observability/key-observation.js'
import type { IssuerEntry, MultiIssuerOptions } from './multi-issuer-options.js'
import { assertIssuerEntry, PER_ISSUER_OPTION_KEYS, settleMultiIssuerOptions, settleRequestOptions, type VerifierOptions, type VerifierSettings } from './options.js'
import type { RequestView } from './request.js'
import { readUnverified } from './token-facts.js'
import { isJwtShaped } from './token-format.js'

export type { IssuerEntry, IssuerResolver, MultiIssuerOptions } from './multi-issuer-options.js'

/** The check of a multi-issuer verifier, with what it tells about itself. */
export interface IssuerSelection {
  readonly settings: VerifierSettings
  readonly keySource: KeySource
  /** `request` is the request the token came with (`undefined` from `verify()`), for the resolver. */
  check(token: string, run?: CheckRun, request?: RequestView): Promise<CheckedToken>
}

/** Builds the selection; `onKeysRemoved` lets the owner of the token cache drop what one issuer's removed keys verified. */
export function createIssuerSelection(options: MultiIssuerOptions, onKeysRemoved: KeysRemoved, observation: KeyObservation = NO_KEY_OBSERVATION): IssuerSelection {
  assertNoSharedKeys(options)
  const { timeoutDuration, maxIssuers, keySetCacheSize, discoveryCacheSize } = settleMultiIssuerOptions(options)
  const request = settleRequestOptions(options)
  const { issuers, maxIssuers: _maxIssuers, keySetCacheSize: _keySets, discoveryCacheSize: _discoveries, tokenCache: _cache, telemetry: _telemetry, audit: _audit, ...defaults } = options
  const build: Build = (entry, where, path, remembered = {}) => {
    assertIssuerEntry(entry, where, path)
    const keySnapshot = remembered.keySet === undefined ? {} : { keySnapshot: remembered.keySet }
    return createIssuerCheck({ ...combineIssuerOptions(defaults, entry), ...requestFields(options), ...keySnapshot }, onKeysRemoved, observation, remembered.discovery)
  }

  const pick = typeof issuers === 'function' ? resolvingPicker(issuers, build, { max: maxIssuers, timeoutDuration, keySetCacheSize, discoveryCacheSize }) : listPicker(issuers, build)
  const known = typeof issuers === 'function' ? [] : pick.known()
  const opaqueIssuer = introspectingIssuer(known)
  const settings: VerifierSettings = {
    ...request,
    issuers: known.map((issuer) => issuer.settings.issuer),
    audience: unique(known.flatMap((issuer) => issuer.settings.audience).concat(audienceList(defaults.audience))),
    algorithms: unique(known.flatMap((issuer) => issuer.settings.algorithms)),
  }

  async function check(token: string, run?: CheckRun, request?: RequestView): Promise<CheckedToken> {
    if (!isJwtShaped(token) && opaqueIssuer !== undefined) return opaqueIssuer.check(token)
    if (!isCanonicalCompactJws(token)) {
      throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'token is not a compact JWS in canonical base64url, and no trusted issuer introspects opaque tokens' })
    }
    run?.trace.passed('token_syntax')
    const iss = unverifiedIssuer(token, settings)
    const issuer = await pick.find(iss, request)
    if (issuer === undefined) {
      throw new InvalidTokenError({ ...settings.challenge, reason: 'issuer_not_trusted', detail: `the token names an issuer that is not trusted: ${JSON.stringify(iss)}` })
    }
    return issuer.check(token, run)
  }

  return { settings, keySource: compositeKeySource(pick.known), check }
}

/** The one listed issuer that takes opaque tokens, if any: the token is sent to no other. */
function introspectingIssuer(known: IssuerCheck[]): IssuerCheck | undefined {
  const introspecting = known.filter((issuer) => issuer.tokenFormat !== 'jwt')
  if (introspecting.length > 1) {
    throw new ConfigurationError('issuers', `issuers ${introspecting.map((issuer) => issuer.settings.issuer).join(' and ')} both take opaque tokens, which name no issuer: give "introspection" to one issuer entry only`)
  }
  return introspecting[0]
}

// Keys belong to one issuer (RFC 8725 §3.8): at the top level they would be handed to every issuer. So do
// introspection credentials, and the format that decides which issuer an opaque token is sent to.
function assertNoSharedKeys(options: MultiIssuerOptions): void {
  const misplaced = PER_ISSUER_OPTION_KEYS.filter((name) => (options as unknown as Record<string, unknown>)[name] !== undefined)
  if (misplaced.length > 0) throw new TypeError(`tokenguard: with "issuers", ${misplaced.join(', ')} belong in each issuer's entry, not at the top level`)
}

function listPicker(entries: readonly IssuerEntry[], build: Build): Picker {
  if (!Array.isArray(entries) || entries.length === 0) throw new TypeError('tokenguard: "issuers" must be a non-empty array or a function')
  const known = new Map<string, IssuerCheck>()
  for (const [index, entry] of entries.entries()) {
    const verifier = build(entry, `issuers[${index}]`, `issuers[${index}]`)
    if (known.has(verifier.settings.issuer)) throw new TypeError(`tokenguard: issuer ${verifier.settings.issuer} is listed twice`)
    known.set(verifier.settings.issuer, verifier)
  }
  const all = [...known.values()]
  return { known: () => all, find: async (issuer) => known.get(issuer) }
}

function unverifiedIssuer(token: string, settings: VerifierSettings): string {
  const read = readUnverified(token)
  if (read === undefined) throw new InvalidTokenError({ ...settings.challenge, reason: 'token_malformed', detail: 'the token cannot be decoded' })
  const iss = read.payload.iss
  if (typeof iss !== 'string') throw new InvalidTokenError({ ...settings.challenge, reason: 'issuer_not_trusted', detail: 'the token has no string "iss"' })
  return iss
}

function compositeKeySource(sources: () => IssuerCheck[]): KeySource {
  return {
    getKey: async () => {
      throw new TypeError('tokenguard: a multi-issuer verifier has one key source per issuer')
    },
    ready: async () => void (await Promise.all(sources().map((issuer) => issuer.keySource.ready()))),
    usable: async () => {
      throw new TypeError('tokenguard: a multi-issuer verifier has one key source per issuer')
    },
    refresh: async () => void (await Promise.all(sources().map((issuer) => issuer.keySource.refresh()))),
    maintain: () => sources().forEach((issuer) => issuer.keySource.maintain()),
    export: () => undefined,
    import: () => false,
  }
}

function requestFields(options: MultiIssuerOptions) {
  // origin and trustProxy: whether each issuer can accept DPoP depends on the request URL being known.
  return { realm: options.realm, resourceMetadata: options.resourceMetadata, allowBodyToken: options.allowBodyToken, allowQueryToken: options.allowQueryToken, origin: options.origin, trustProxy: options.trustProxy }
}

function audienceList(audience: VerifierOptions['audience'] | undefined): string[] {
  return audience === undefined ? [] : typeof audience === 'string' ? [audience] : [...audience]
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
