/**
 * Issuers decided by a resolver, with budgets that an attacker cycling `iss` values cannot reset:
 * - only issuers the resolver trusted are kept (an LRU of `max`), so invented `iss` values evict nothing;
 * - when a trusted issuer leaves that LRU, its keys (a snapshot) stay in a larger bounded table, so coming
 *   back costs no fetch and its fetch cooldown carries over (the snapshot's fetch time counts);
 * - an issuer with no remembered keys takes a token from one outbound budget shared by all issuers before
 *   it may fetch cold; without one it is answered 503, so the server's outbound fetches stay bounded;
 * - refusals are remembered for a while, so a flood of junk `iss` values asks the resolver once each;
 * - resolutions in flight are bounded in number and time, but issuers trusted before never wait for a slot.
 * A resolver that fails or hangs is an outage (503), not a verdict on the token.
 */
import { LRUCache } from 'lru-cache'
import { isConfigurationError, KeysUnavailableError } from './errors.js'
import type { IssuerCheck } from './issuer-check.js'
import { isIssuerIdentifier } from './issuer-identifier.js'
import type { IssuerEntry, IssuerResolver } from './multi-issuer-options.js'
import type { KeySetSnapshot } from './key-set.js'
import type { DiscoveryRecord } from './key-source.js'
import type { RequestView } from './request.js'

/** How the selection finds the check of an issuer. */
export interface Picker {
  /** The issuers known now (all listed ones, or those a resolver trusted and that are still kept). */
  known(): IssuerCheck[]
  /** `request` is what a resolver is shown when it must be asked (`undefined` outside a request). */
  find(issuer: string, request?: RequestView): Promise<IssuerCheck | undefined>
}

/** Limits of a resolving picker. */
export interface ResolutionLimits {
  /** Trusted issuers kept (each with its discovery result and key set). */
  max: number
  timeoutDuration: number
  /** Key sets remembered for issuers that left the kept set. */
  keySetCacheSize: number
  /** Discovery results remembered for issuers that left the kept set. */
  discoveryCacheSize: number
}

/** What is remembered of an issuer that left the kept set, to build its check again without fetching. */
export interface Remembered {
  keySet?: KeySetSnapshot | undefined
  discovery?: DiscoveryRecord | undefined
}

// Bounds the memory a flood of invented issuers can hold while the resolver is slow.
const MAX_RESOLUTIONS_IN_FLIGHT = 1_000
// A refused `iss` is not asked about again for this long (the resolver may learn new tenants).
const REFUSAL_MEMORY_MS = 60_000
const MAX_REMEMBERED_REFUSALS = 10_000
// Cold fetches for issuers with no remembered keys, across all of them: a burst, then a steady rate.
const COLD_FETCH_BURST = 20
const COLD_FETCHES_PER_SECOND = 2

/** Builds an issuer's check from its entry (`where`/`path` name it in errors), from what is remembered of it. */
export type Build = (entry: IssuerEntry, where: string, path: string, remembered?: Remembered) => IssuerCheck

/** Builds the resolving picker. */
export function resolvingPicker(resolve: IssuerResolver, build: Build, limits: ResolutionLimits): Picker {
  // Trusted issuers' keys and discovery results remembered past their LRU slot: small, and what keeps rotation cheap.
  const remembered = new LRUCache<string, KeySetSnapshot>({ max: limits.keySetCacheSize })
  const discovered = new LRUCache<string, DiscoveryRecord>({ max: limits.discoveryCacheSize })
  const trusted = new LRUCache<string, IssuerCheck>({
    max: limits.max,
    dispose: (check, issuer) => {
      const snapshot = check.keySource.export()
      if (snapshot !== undefined) remembered.set(issuer, snapshot)
      const discovery = check.keySource.discovery?.()
      if (discovery !== undefined) discovered.set(issuer, discovery)
    },
  })
  const refused = new LRUCache<string, true>({ max: MAX_REMEMBERED_REFUSALS, ttl: REFUSAL_MEMORY_MS })
  const inflight = new Map<string, Promise<IssuerCheck | undefined>>()
  const coldFetches = tokenBucket(COLD_FETCH_BURST, COLD_FETCHES_PER_SECOND)

  async function load(issuer: string, request: RequestView | undefined): Promise<IssuerCheck | undefined> {
    // An `iss` that is no issuer identifier (RFC 8414 §2: userinfo, query, fragment…) is never trusted, nor asked about.
    if (!isIssuerIdentifier(issuer, true)) return undefined
    const entry = await withTimeout(Promise.resolve().then(() => resolve(issuer, request)), limits.timeoutDuration)
    // Options for another issuer would let any `iss` borrow that issuer's trust: not trusted.
    if (entry === undefined || entry.issuer !== issuer) {
      refused.set(issuer, true)
      return undefined
    }
    const snapshot = remembered.get(issuer)
    if (snapshot === undefined && !coldFetches.take()) throw new Error('the outbound key-set fetch budget for new issuers is spent')
    const check = build(entry, `the issuer resolver's answer for ${JSON.stringify(issuer)}`, 'issuers()', { keySet: snapshot, discovery: discovered.get(issuer) })
    trusted.set(issuer, check)
    return check
  }

  return {
    known: () => [...trusted.values()],
    async find(issuer, request) {
      const known = trusted.get(issuer)
      if (known !== undefined) return known
      if (refused.has(issuer)) return undefined
      let pending = inflight.get(issuer)
      if (pending === undefined) {
        // Junk resolutions may fill the slots; an issuer trusted before still gets one.
        if (inflight.size >= MAX_RESOLUTIONS_IN_FLIGHT && !remembered.has(issuer)) throw resolverUnavailable('too many issuer resolutions in flight')
        pending = load(issuer, request).finally(() => inflight.delete(issuer))
        inflight.set(issuer, pending)
      }
      try {
        return await pending
      } catch (error) {
        throw resolverUnavailable(error instanceof Error ? error.message : String(error), error)
      }
    },
  }
}

function tokenBucket(burst: number, perSecond: number): { take(): boolean } {
  let tokens = burst
  let updatedAt = Date.now()
  return {
    take() {
      const now = Date.now()
      tokens = Math.min(burst, tokens + ((now - updatedAt) / 1000) * perSecond)
      updatedAt = now
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}

function resolverUnavailable(detail: string, cause?: unknown): KeysUnavailableError {
  // Options the resolver answered with that cannot work are a misconfiguration, not an outage (still 503).
  const reason = isConfigurationError(cause) ? 'keys_misconfigured' : 'keys_unavailable'
  return new KeysUnavailableError({ reason, detail: `issuer resolver: ${detail}`, cause }, 1)
}

function withTimeout<T>(promise: Promise<T>, timeoutDuration: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutDuration} ms`)), timeoutDuration)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
