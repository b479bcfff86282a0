/**
 * Retry policy: exponential backoff with jitter, Retry-After support.
 */
import { refuseUnknownOptions } from './did-you-mean.js'
import { toMilliseconds, type Duration } from './duration.js'

/** Retry settings for token and discovery requests. */
export interface RetryOptions {
  /**
   * How many times a failed request is retried (so `retries + 1` attempts at
   * most). Only network errors, timeouts, HTTP 5xx and HTTP 429 are retried;
   * OAuth errors (4xx) never are. An integer from 0 to 10. Default 2.
   */
  retries?: number
  /**
   * Base delay in milliseconds of the exponential backoff: the n-th retry
   * waits between half and all of `baseDelayDuration * 2^(n-1)`, at random.
   * 0 to 1 min. Default 200 ms.
   */
  baseDelayDuration?: Duration
  /**
   * Upper bound in milliseconds of any single wait, including waits asked for
   * by a `Retry-After` header. 0 to 10 min. Default 5000 ms (5 s).
   */
  maxDelayDuration?: Duration
}

export interface ResolvedRetry {
  retries: number
  baseDelayDuration: number
  maxDelayDuration: number
}

const RETRY_OPTIONS = ['retries', 'baseDelayDuration', 'maxDelayDuration'] as const satisfies readonly (keyof RetryOptions)[]
const LABEL = 'createTokenClient() "retry'

export function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry {
  if (retry === false) return { retries: 0, baseDelayDuration: 0, maxDelayDuration: 0 }
  if (retry !== undefined && (retry === null || typeof retry !== 'object' || Array.isArray(retry))) {
    throw new TypeError(`tokenguard: ${LABEL}" must be an object such as { retries: 2 } or false`)
  }
  refuseUnknownOptions(retry ?? {}, RETRY_OPTIONS, '"retry" of createTokenClient()')
  const retries = retry?.retries ?? 2
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new TypeError(`tokenguard: ${LABEL}.retries" must be an integer from 0 to 10; got ${String(retries)}`)
  }
  return {
    retries,
    baseDelayDuration: retry?.baseDelayDuration === undefined ? 200 : toMilliseconds(retry.baseDelayDuration, `${LABEL}.baseDelayDuration"`, { min: 0, max: 60_000 }),
    maxDelayDuration: retry?.maxDelayDuration === undefined ? 5000 : toMilliseconds(retry.maxDelayDuration, `${LABEL}.maxDelayDuration"`, { min: 0, max: 600_000 }),
  }
}

/** Delay before retry number `retryIndex` (0-based), with jitter, capped. */
export function backoffDelay(retryIndex: number, policy: ResolvedRetry, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayDuration, policy.baseDelayDuration * 2 ** retryIndex)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * Parses a Retry-After header (delta-seconds or HTTP-date) into milliseconds,
 * capped at `maxDelayDuration`. Returns undefined when absent or unparsable.
 */
export function retryAfterDelay(header: string | null, maxDelayDuration: number, now = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  let ms: number
  if (/^\d+$/.test(value)) {
    ms = Number(value) * 1000
  } else {
    const date = Date.parse(value)
    if (Number.isNaN(date)) return undefined
    ms = Math.max(0, date - now)
  }
  return Math.min(ms, maxDelayDuration)
}

/** Whether an HTTP status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
