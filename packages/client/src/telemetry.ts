/**
 * Token requests made visible: OpenTelemetry metrics and spans (through the application's own
 * `@opentelemetry/api`, which this package never imports) and one audit event per token request. Nothing is
 * measured when neither is configured.
 */

/** What a token request event says. Never the token, never the secret or an assertion. */
export interface TokenRequestEvent {
  /** When the request finished, epoch milliseconds. */
  readonly time: number
  readonly clientId: string
  readonly tokenEndpoint: string
  readonly outcome: 'success' | 'failure'
  /** Why a token was requested: none cached (`cold`), ahead of expiry (`refresh`), or `forceRefresh`. */
  readonly cause: 'cold' | 'refresh' | 'forced'
  /** The request (with its retries), milliseconds. */
  readonly durationMs: number
  /** The error code of a failure (`invalid_client`, `timeout`, …). */
  readonly error: string | undefined
  /** The HTTP status of a failure, when the server answered. */
  readonly status: number | undefined
  /** The scope asked for, if any. */
  readonly scope: string | undefined
}

/** Receives token request events; exceptions thrown by it are ignored. */
export type TokenRequestSink = (event: TokenRequestEvent) => void

type Attributes = Record<string, string | number | boolean>

/** The parts of `@opentelemetry/api` (1.x) this package uses: pass `import * as api from '@opentelemetry/api'`. */
export interface ClientTelemetryApi {
  metrics: {
    getMeter(name: string): {
      createCounter(name: string, options?: object): { add(value: number, attributes?: Attributes): void }
      createHistogram(name: string, options?: object): { record(value: number, attributes?: Attributes): void }
    }
  }
  trace: {
    getTracer(name: string): {
      startActiveSpan<F extends (span: { setStatus(status: { code: number; message?: string }): unknown; recordException(error: Error | string): void; end(): void }) => unknown>(
        name: string,
        options: { attributes?: Attributes; kind?: number },
        fn: F,
      ): ReturnType<F>
    }
  }
}

/** The `telemetry` option of the client. */
export interface ClientTelemetryOptions {
  /** `@opentelemetry/api`. Register the SDK's meter provider before creating the client. Required. */
  api: ClientTelemetryApi
}

const SCOPE = '@tokenguard/client'
const SPAN_KIND_CLIENT = 2
const SPAN_STATUS_ERROR = 2
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Observes token requests; `undefined` when nothing would receive anything. */
export interface TokenRequestObserver {
  /** Runs `request` as one observed token request. */
  observe<T>(cause: TokenRequestEvent['cause'], scope: string | undefined, endpoint: () => string | undefined, request: () => Promise<T>): Promise<T>
}

export function tokenRequestObserver(clientId: string, telemetry: ClientTelemetryOptions | undefined, sinks: readonly TokenRequestSink[]): TokenRequestObserver | undefined {
  if (telemetry === undefined && sinks.length === 0) return undefined
  const meter = telemetry?.api.metrics.getMeter(SCOPE)
  const requests = meter?.createCounter('tokenguard.client.token_requests', { unit: '{request}', description: 'Token requests, by outcome, cause and error' })
  const duration = meter?.createHistogram('tokenguard.client.token_request.duration', { unit: 's', description: 'Time of token requests, retries included', advice: { explicitBucketBoundaries: BUCKETS } })
  const tracer = telemetry?.api.trace.getTracer(SCOPE)

  function record(cause: TokenRequestEvent['cause'], scope: string | undefined, endpoint: string | undefined, started: number, error: unknown): void {
    const durationMs = performance.now() - started
    const failure = error === undefined ? undefined : errorFacts(error)
    const attributes: Attributes = { client_id: clientId, outcome: failure === undefined ? 'success' : 'failure', cause }
    if (failure !== undefined) attributes.error = failure.code
    requests?.add(1, attributes)
    duration?.record(durationMs / 1000, { client_id: clientId, outcome: attributes.outcome as string })
    if (sinks.length === 0) return
    const event: TokenRequestEvent = {
      time: Date.now(), clientId, tokenEndpoint: endpoint ?? '(not discovered)', outcome: failure === undefined ? 'success' : 'failure', cause, durationMs,
      error: failure?.code, status: failure?.status, scope,
    }
    for (const sink of sinks) {
      try {
        sink(event)
      } catch {
        // the application's sink failing must not fail the token request
      }
    }
  }

  return {
    async observe(cause, scope, endpoint, request) {
      const run = async () => {
        const started = performance.now()
        try {
          const result = await request()
          record(cause, scope, endpoint(), started, undefined)
          return result
        } catch (error) {
          record(cause, scope, endpoint(), started, error)
          throw error
        }
      }
      if (tracer === undefined) return run()
      return tracer.startActiveSpan('tokenguard.client.token_request', { attributes: { client_id: clientId, 'tokenguard.request.cause': cause }, kind: SPAN_KIND_CLIENT }, async (span) => {
        try {
          return await run()
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error))
          span.setStatus({ code: SPAN_STATUS_ERROR, message: errorFacts(error).code })
          throw error
        } finally {
          span.end()
        }
      })
    },
  }
}

function errorFacts(error: unknown): { code: string; status: number | undefined } {
  const { code, status } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; status?: unknown }
  return { code: typeof code === 'string' ? code : 'unknown', status: typeof status === 'number' ? status : undefined }
}

/** Checks the `telemetry` option. */
export function checkTelemetry(value: unknown, where: string): ClientTelemetryOptions | undefined {
  if (value === undefined) return undefined
  const api = (typeof value === 'object' && value !== null ? (value as { api?: unknown }).api : undefined) as Partial<ClientTelemetryApi> | undefined
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : []
  if (typeof api?.metrics?.getMeter !== 'function' || typeof api.trace?.getTracer !== 'function' || keys.some((key) => key !== 'api')) {
    throw new TypeError(`tokenguard: ${where} "telemetry" must be { api } with api = @opentelemetry/api (import * as api from '@opentelemetry/api')`)
  }
  return { api: api as ClientTelemetryApi }
}

/** Checks the `audit` option: a function or an array of functions. */
export function checkAudit(value: unknown, where: string): readonly TokenRequestSink[] {
  if (value === undefined) return []
  const sinks = Array.isArray(value) ? value : [value]
  if (sinks.some((sink) => typeof sink !== 'function')) throw new TypeError(`tokenguard: ${where} "audit" must be a function (event) => void or an array of them`)
  return Object.freeze([...(sinks as TokenRequestSink[])])
}
