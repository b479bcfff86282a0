/**
 * HTTP transport for token and discovery requests: a real timeout that aborts
 * the request, and retries with backoff on transient failures.
 */
import { TokenRequestError } from './errors.js'
import { readBounded } from './read-body.js'
import { backoffDelay, isRetryableStatus, retryAfterDelay, sleep, type ResolvedRetry } from './retry.js'

/** Optional logger; messages and details never contain secrets. */
export interface TokenClientLogger {
  debug?(message: string, details?: Record<string, unknown>): void
  warn?(message: string, details?: Record<string, unknown>): void
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

export interface TransportSettings {
  fetch: FetchLike
  /** Time limit of one attempt, in ms. */
  timeoutDuration: number
  /** Largest accepted response body, in bytes. */
  maxResponseSize: number
  retry: ResolvedRetry
  logger: TokenClientLogger | undefined
}

export interface HttpResult {
  status: number
  headers: Headers
  body: string
}

/** One attempt: the whole exchange (headers and body) must finish within `timeoutDuration`. */
async function attempt(url: string, init: RequestInit, settings: TransportSettings): Promise<HttpResult> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), settings.timeoutDuration)
  try {
    // redirect: 'manual' — never replay credentials to another location.
    const response = await settings.fetch(url, { ...init, signal: controller.signal, redirect: 'manual' })
    const body = await readBounded(response, settings.maxResponseSize)
    return { status: response.status, headers: response.headers, body }
  } catch (error) {
    if (error instanceof TokenRequestError) throw error
    if (controller.signal.aborted) {
      throw new TokenRequestError({
        code: 'timeout',
        description: `no complete response within ${settings.timeoutDuration} ms`,
      })
    }
    throw new TokenRequestError({
      code: 'network_error',
      description: describeNetworkError(error),
      cause: error,
    })
  } finally {
    clearTimeout(timer)
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (cause && typeof cause.code === 'string') return cause.code
  if (error instanceof Error) return error.message
  return 'request failed'
}

/**
 * Sends a request, retrying on network errors, timeouts, 5xx and 429.
 * `buildInit` is called for every attempt (so e.g. a fresh client assertion
 * can be made). Returns the last response, whatever its status; throws
 * TokenRequestError when the last attempt did not get a response.
 */
export async function send(url: string, buildInit: () => Promise<RequestInit>, settings: TransportSettings): Promise<HttpResult> {
  const { retry, logger } = settings
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    const retriesLeft = retry.retries - attemptIndex
    let result: HttpResult
    try {
      result = await attempt(url, await buildInit(), settings)
    } catch (error) {
      if (!(error instanceof TokenRequestError) || !error.retryable || retriesLeft <= 0) throw error
      const delay = backoffDelay(attemptIndex, retry)
      logger?.debug?.('token request failed, retrying', { code: error.code, attempt: attemptIndex + 1, delay })
      await sleep(delay)
      continue
    }
    if (!isRetryableStatus(result.status) || retriesLeft <= 0) return result
    const delay = retryAfterDelay(result.headers.get('retry-after'), retry.maxDelayDuration) ?? backoffDelay(attemptIndex, retry)
    logger?.debug?.('token endpoint answered with a retryable status, retrying', {
      status: result.status,
      attempt: attemptIndex + 1,
      delay,
    })
    await sleep(delay)
  }
}
