/**
 * When to refresh a cached token: ahead of expiry, with jitter so that a
 * fleet of processes does not refresh in lockstep.
 */
import type { CachedToken } from './store.js'

export interface RefreshPolicy {
  /** Fixed refresh-ahead window in ms, or undefined for min(60 s, 10 % of lifetime). */
  refreshAheadDuration: number | undefined
  /** Maximum extra jitter in ms, or undefined for min(5 s, 5 % of lifetime). */
  refreshJitterDuration: number | undefined
  /** Per-instance random factor in [0, 1) applied to the jitter. */
  jitterFactor: number
}

/** Lifetime-relative defaults. */
export const DEFAULT_REFRESH_AHEAD_MAX = 60_000
export const DEFAULT_REFRESH_AHEAD_RATIO = 0.1
export const DEFAULT_JITTER_MAX = 5_000
export const DEFAULT_JITTER_RATIO = 0.05

/** How long before `expiresAt` this instance refreshes the token, in ms. */
export function refreshLeadTime(token: Pick<CachedToken, 'expiresAt' | 'obtainedAt'>, policy: RefreshPolicy): number {
  const lifetime = Math.max(0, token.expiresAt - token.obtainedAt)
  const ahead = policy.refreshAheadDuration ?? Math.min(DEFAULT_REFRESH_AHEAD_MAX, lifetime * DEFAULT_REFRESH_AHEAD_RATIO)
  const jitterMax = policy.refreshJitterDuration ?? Math.min(DEFAULT_JITTER_MAX, lifetime * DEFAULT_JITTER_RATIO)
  return Math.min(lifetime, ahead + jitterMax * policy.jitterFactor)
}

/** Whether the token should be refreshed now (it is inside its refresh-ahead window, or expired). */
export function shouldRefresh(token: CachedToken, policy: RefreshPolicy, now = Date.now()): boolean {
  return now >= token.expiresAt - refreshLeadTime(token, policy)
}

/** Whether the token is still usable at all (not expired, with a small safety margin in ms). */
export function isUsable(token: CachedToken, safetyMargin: number, now = Date.now()): boolean {
  return now < token.expiresAt - safetyMargin
}
