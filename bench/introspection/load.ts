/**
 * autocannon runs for the introspection benchmark: a fixed duration with one token, or a fixed number of
 * requests walking a pool of tokens, each used once, in order.
 */
import autocannon from 'autocannon'

export interface Run {
  requests: number
  requestsPerSecond: number
  latencyMeanMs: number
  latencyP99Ms: number
  non2xx: number
  errors: number
}

/** `duration` seconds of requests with `token`. */
export function timed(url: string, token: string, connections: number, duration: number): Promise<Run> {
  return run({ url, connections, duration, headers: { authorization: `Bearer ${token}` } })
}

/** One request per token of `tokens`, `connections` at a time. */
export function walk(url: string, tokens: readonly string[], connections: number): Promise<Run> {
  let next = 0
  return run({
    url,
    connections,
    amount: tokens.length,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }) }],
  })
}

function run(options: autocannon.Options): Promise<Run> {
  return new Promise((resolve, reject) => {
    autocannon({ pipelining: 1, ...options }, (error, result) => {
      if (error) return reject(error)
      resolve({
        requests: result.requests.total,
        requestsPerSecond: result.requests.total / result.duration,
        latencyMeanMs: result.latency.mean,
        latencyP99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
      })
    })
  })
}
