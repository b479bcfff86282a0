/**
 * One log line per refusal, at a level the application chooses: the reason, the detail and the token's
 * unverified facts (never the token, never a dump of jose's error). Client mistakes (400/401/403) and
 * outages (503) get separate levels, because an operator pages on the second and samples the first.
 */
import type { TokenGuardError } from './errors.js'

/** A logger level, or `'silent'` for none. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** Anything with the usual level methods: `console`, pino, a Fastify or Nest logger. */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** Levels of the refusal log. */
export interface RefusalLogLevels {
  /** 400, 401 and 403: a client sent something this API does not accept. Default is `'info'`. */
  refused?: LogLevel | undefined
  /**
   * 503: the issuer's keys (or its introspection endpoint) cannot be had, every client is affected. Default
   * is `'warn'`. An introspection endpoint that refuses this API's credentials is logged at `'error'`.
   */
  unavailable?: LogLevel | undefined
}

const LEVELS = new Set<LogLevel>(['debug', 'info', 'warn', 'error', 'silent'])

/** The settled levels; a misspelt level is a startup error. */
export function settleLogLevels(levels: RefusalLogLevels | undefined): Required<RefusalLogLevels> {
  if (levels !== undefined && (typeof levels !== 'object' || levels === null)) throw new TypeError('tokenguard: "logLevels" must be an object { refused, unavailable }')
  const unknown = Object.keys(levels ?? {}).filter((key) => key !== 'refused' && key !== 'unavailable')
  if (unknown.length > 0) throw new TypeError(`tokenguard: unknown "logLevels" key(s) ${unknown.join(', ')} (expected refused, unavailable)`)
  const refused = levels?.refused ?? 'info'
  const unavailable = levels?.unavailable ?? 'warn'
  for (const level of [refused, unavailable]) {
    if (!LEVELS.has(level)) throw new TypeError(`tokenguard: log level ${JSON.stringify(level)} is not one of ${[...LEVELS].join(', ')}`)
  }
  return Object.freeze({ refused, unavailable })
}

// Wiring mistakes and rejected introspection credentials need a person, not patience: always an error.
function isConfigurationError(error: TokenGuardError): boolean {
  return error.code === 'server_error' || error.reason === 'introspection_misconfigured'
}

/** Writes the refusal's one line; `where` names the request (method and route template). */
export function logRefusal(logger: Logger, levels: Required<RefusalLogLevels>, error: TokenGuardError, where: string): void {
  const level = error.status >= 500 ? (isConfigurationError(error) ? 'error' : levels.unavailable) : levels.refused
  if (level === 'silent') return
  try {
    logger[level](`tokenguard refused ${where}: ${error.describe()}`)
  } catch {
    // a broken logger must not change the answer
  }
}

/** How an adapter reports refusals: the application's hook, else tokenguard's own line. */
export interface RefusalReporting<TRequest> {
  /** Called with every refusal; when given, tokenguard writes no line of its own. Its exceptions are ignored. */
  onError?: ((error: TokenGuardError, request: TRequest) => void) | undefined
  /** Where tokenguard's line goes, or `false` for none. */
  logger?: Logger | false | undefined
  logLevels?: RefusalLogLevels | undefined
}

/** A refusal reporter, validated once: `report(error, request, where)`. */
export type RefusalReporter<TRequest> = (error: TokenGuardError, request: TRequest, where: string) => void

/** Builds the reporter every adapter uses, so that `onError` and the log line mean the same everywhere. */
export function refusalReporter<TRequest>(options: RefusalReporting<TRequest>, defaultLogger: Logger | undefined): RefusalReporter<TRequest> {
  const { onError, logger = defaultLogger } = options
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('tokenguard: "onError" must be a function')
  if (logger !== undefined && logger !== false && !isLogger(logger)) throw new TypeError('tokenguard: "logger" must have debug/info/warn/error methods, or be false')
  const levels = settleLogLevels(options.logLevels)
  return (error, request, where) => {
    if (onError !== undefined) {
      try {
        onError(error, request)
      } catch {
        // the application's logging must never change the answer
      }
    } else if (logger !== undefined && logger !== false) {
      logRefusal(logger, levels, error, where)
    }
  }
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && ['debug', 'info', 'warn', 'error'].every((level) => typeof (value as Record<string, unknown>)[level] === 'function')
}
