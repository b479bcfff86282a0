/**
 * One autocannon run of fixed duration against one server. Tokens go in the `Authorization` header: one
 * token as a static request, or a pool through `setupRequest`, which takes the next token from a cursor
 * shared by all connections and kept across runs: the server sees the pool strictly round-robin, so with
 * more tokens than its LRU cache holds it never sees a recently used one. (A static `requests` array of
 * thousands of entries is no alternative: autocannon builds every entry's buffer for every connection at
 * the start of each run, inside the measured time.) A cold workload takes each request's token from a
 * `SingleUseTokens` instead (autocannon builds a request's buffer just before sending it, a reconnect
 * included): every request carries a token that no server has seen.
 */
import autocannon from 'autocannon'
import type { SingleUseTokens } from './single-use.js'
import { ROUTE } from './variants.js'

export interface Workload {
  readonly name: string
  readonly description: string
  readonly tokens: readonly string[]
  /** Walks over the whole pool the warm-up makes at least (for a pool meant to be all cache hits). Default 0. */
  readonly warmupPasses?: number
  /** When set, `tokens` is ignored: each request takes a token never used before (the cold path). */
  readonly singleUse?: SingleUseTokens
}

/** Where a round-robin walk over a pool stands; one per server and workload. */
export interface Cursor {
  next: number
}

export interface RunStats {
  requests: number
  durationSeconds: number
  latencyP99Ms: number
  latencyMeanMs: number
  non2xx: number
  errors: number
  timeouts: number
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

function requestsFor(workload: Workload, cursor: Cursor): autocannon.Request[] {
  const { tokens, singleUse } = workload
  if (singleUse !== undefined) {
    return [{
      method: 'GET',
      path: ROUTE,
      setupRequest: (request) => {
        const token = singleUse.take()
        // Out of tokens: sent without one (answered 401); `measureRounds` refuses the run.
        request.headers = token === undefined ? {} : bearer(token)
        return request
      },
    }]
  }
  if (tokens.length === 1) return [{ method: 'GET', path: ROUTE, headers: bearer(tokens[0]!) }]
  return [{
    method: 'GET',
    path: ROUTE,
    setupRequest: (request) => {
      request.headers = { ...request.headers, ...bearer(tokens[cursor.next++ % tokens.length]!) }
      return request
    },
  }]
}

/** Loads `url` for `duration` seconds with `connections` connections (no pipelining). */
export function runLoad(url: string, workload: Workload, cursor: Cursor, connections: number, duration: number): Promise<RunStats> {
  const options: autocannon.Options = { url, connections, duration, pipelining: 1, requests: requestsFor(workload, cursor) }
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => {
      if (error) return reject(error)
      resolve({
        requests: result.requests.total,
        durationSeconds: result.duration,
        latencyP99Ms: result.latency.p99,
        latencyMeanMs: result.latency.mean,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      })
    })
  })
}
