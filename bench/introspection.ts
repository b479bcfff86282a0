/**
 * Introspection benchmark (`npm run bench:introspection`), against oidc-provider issuing opaque tokens:
 *
 * 1. 1000 requests with one opaque token: how many introspection calls reach the authorization server.
 * 2. Warm cache: requests/s with one cached opaque token beside requests/s with one cached JWT, in
 *    interleaved rounds of the same run (two API processes, the same Express app, one verifier each); the
 *    ratio is what matters, not the absolute figures of a shared machine.
 * 3. Every token distinct (a cold cache each time): the API's requests/s and latency beside the
 *    authorization server's own introspection requests/s and latency, measured alone on the same tokens.
 *
 * Beside requests/s (which on a shared machine say more about the neighbours than about tokenguard), the
 * API process's own CPU time per request is reported: the load-independent cost.
 *
 * Settings: BENCH_ROUNDS (default 5), BENCH_SECONDS per round (5), BENCH_TOKENS distinct tokens (2000),
 * BENCH_CONNECTIONS (10).
 */
import { startAuthServer } from '../test/support/auth-server.js'
import { startKeyServer, TEST_AUDIENCE } from '../test/support/key-server.js'
import { startApi, type ApiProcess } from './introspection/api-process.js'
import { timed, walk, type Run } from './introspection/load.js'
import { describeMachine, machineInfo } from './support/machine.js'
import { saveResult } from './support/results.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const seconds = Number(process.env.BENCH_SECONDS ?? 5)
const distinct = Number(process.env.BENCH_TOKENS ?? 2000)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10)
const SECRET = 'bench-api-secret-0123456789'

const machine = machineInfo()
console.log(`introspection benchmark on ${describeMachine(machine)}`)
console.log(`${rounds} interleaved rounds of ${seconds} s, ${connections} connections; ${distinct} distinct tokens\n`)

const as = await startAuthServer({
  accessTokenFormat: 'opaque',
  accessTokenTTL: 3600,
  apiClients: [{ client_id: 'api', client_secret: SECRET, grant_types: [], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' }],
})
const keys = await startKeyServer()
const opaqueApi = await startApi({ issuer: as.issuer, allowInsecureHttp: true, audience: as.resource, introspection: { clientId: 'api', clientSecret: SECRET } })
const jwtApi = await startApi({ issuer: keys.issuer, allowInsecureHttp: true, audience: TEST_AUDIENCE })

try {
  // 1. one token, 1000 requests
  const token = await as.requestToken('readWrite', { scope: 'read:data' })
  const before = as.introspectionRequestCount()
  const one = await walk(opaqueApi.url, Array.from({ length: 1000 }, () => token), connections)
  const oneTokenCalls = as.introspectionRequestCount() - before
  console.log(`1000 requests with one opaque token: ${oneTokenCalls} introspection call(s), ${one.non2xx} non-2xx`)

  // 2. warm cache, interleaved
  const jwt = await keys.mint({ exp: Math.floor(Date.now() / 1000) + 3600 })
  await timed(jwtApi.url, jwt, connections, 1)
  await timed(opaqueApi.url, token, connections, 1)
  const warm: { jwt: Run[]; opaque: Run[] } = { jwt: [], opaque: [] }
  const cpu = { jwt: 0, opaque: 0 }
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['jwt', 'opaque'] as const) : (['opaque', 'jwt'] as const)
    for (const kind of order) {
      const api = kind === 'jwt' ? jwtApi : opaqueApi
      const [run, micros] = await measured(api, () => timed(api.url, kind === 'jwt' ? jwt : token, connections, seconds))
      warm[kind].push(run)
      cpu[kind] += micros
    }
  }
  const jwtRps = median(warm.jwt.map((run) => run.requestsPerSecond))
  const opaqueRps = median(warm.opaque.map((run) => run.requestsPerSecond))
  const ratio = opaqueRps / jwtRps
  const total = (runs: Run[]) => runs.reduce((sum, run) => sum + run.requests, 0)
  const cpuPerRequest = { jwt: cpu.jwt / total(warm.jwt), opaque: cpu.opaque / total(warm.opaque) }
  console.log(`warm cache: cached JWT ${jwtRps.toFixed(0)} req/s, cached opaque ${opaqueRps.toFixed(0)} req/s, ratio ${ratio.toFixed(3)} (medians of ${rounds})`)
  console.log(`warm cache, API CPU per request: JWT ${cpuPerRequest.jwt.toFixed(0)} µs, opaque ${cpuPerRequest.opaque.toFixed(0)} µs`)

  // 3. every token distinct, against the authorization server alone on the same tokens
  const issuing = Date.now()
  const tokens: string[] = []
  for (let i = 0; i < distinct; i++) tokens.push(await as.requestToken('readWrite', { scope: 'read:data' }))
  console.log(`issued ${distinct} tokens in ${((Date.now() - issuing) / 1000).toFixed(1)} s`)
  const beforeDistinct = as.introspectionRequestCount()
  const [api, distinctMicros] = await measured(opaqueApi, () => walk(opaqueApi.url, tokens, connections))
  const distinctCpuPerRequest = distinctMicros / api.requests
  const distinctCalls = as.introspectionRequestCount() - beforeDistinct
  const server = await introspectAlone(as.introspectionEndpoint, tokens)
  console.log(`distinct tokens through the API: ${api.requestsPerSecond.toFixed(0)} req/s, mean ${api.latencyMeanMs.toFixed(2)} ms, p99 ${api.latencyP99Ms} ms, ${distinctCalls} calls, ${api.non2xx} non-2xx`)
  console.log(`the authorization server alone: ${server.requestsPerSecond.toFixed(0)} req/s, mean ${server.latencyMeanMs.toFixed(2)} ms, p99 ${server.latencyP99Ms} ms, ${server.non2xx} non-2xx`)
  console.log(`cost of a distinct token: ${(api.latencyMeanMs - server.latencyMeanMs).toFixed(2)} ms over the server's own latency; throughput ${(api.requestsPerSecond / server.requestsPerSecond).toFixed(3)} of the server's`)
  console.log(`API CPU per distinct-token request: ${distinctCpuPerRequest.toFixed(0)} µs (a cached one: ${cpuPerRequest.opaque.toFixed(0)} µs)`)

  const result = {
    kind: 'introspection', startedAt: new Date().toISOString(), machine, settings: { rounds, seconds, distinct, connections },
    oneToken: { requests: one.requests, introspectionCalls: oneTokenCalls, non2xx: one.non2xx },
    warm: { jwtRps, opaqueRps, ratio, cpuMicrosPerRequest: cpuPerRequest, rounds: warm },
    distinct: { api, server, introspectionCalls: distinctCalls, cpuMicrosPerRequest: distinctCpuPerRequest },
  }
  console.log(`saved ${await saveResult('introspection', result)}`)
} finally {
  await Promise.all([opaqueApi.stop(), jwtApi.stop()])
  await as.close()
  await keys.close()
}

/** The introspection endpoint loaded directly with `tokens`, as the API would call it. */
async function introspectAlone(endpoint: string, tokens: readonly string[]): Promise<Run> {
  const { default: autocannon } = await import('autocannon')
  const authorization = `Basic ${Buffer.from(`api:${SECRET}`).toString('base64')}`
  let next = 0
  return new Promise((resolve, reject) => {
    autocannon({
      url: endpoint, connections, amount: tokens.length, pipelining: 1,
      requests: [{
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ token: tokens[next++ % tokens.length]!, token_type_hint: 'access_token' }).toString(),
        }),
      }],
    }, (error, result) => {
      if (error) return reject(error)
      resolve({ requests: result.requests.total, requestsPerSecond: result.requests.total / result.duration, latencyMeanMs: result.latency.mean, latencyP99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors })
    })
  })
}

/** `run` and the API process's CPU time it took, in microseconds. */
async function measured<T>(api: ApiProcess, run: () => Promise<T>): Promise<[T, number]> {
  const before = await api.cpuMicros()
  const result = await run()
  return [result, (await api.cpuMicros()) - before]
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
