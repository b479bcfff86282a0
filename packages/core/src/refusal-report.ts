/**
 * Where a refusal goes besides the client: the application's `onError` hook when it gives one, else
 * tokenguard's one log line (`refusal-log.ts`); never both. Shared by the adapters that answer refusals
 * themselves, and validated once, at startup.
 */
import type { TokenGuardError } from './errors.js'
import { logRefusal, settleLogLevels, type Logger, type RefusalLogLevels } from './refusal-log.js'

/** How an adapter reports refusals. `TRequest` is what the framework calls a request. */
export interface RefusalReportOptions<TRequest> {
  /**
   * Called with every refusal before it is answered: the place to log `error.reason`, `error.detail` and
   * `error.facts` yourself (never sent to the client). When given, tokenguard writes no log line of its own.
   * Exceptions thrown here are ignored. Default is none.
   */
  onError?: ((error: TokenGuardError, request: TRequest) => void) | undefined
  /** Where the one line per refusal goes (`console`, pino, …), or `false` for none. Default is `console`. */
  logger?: Logger | false | undefined
  /** Log levels: `refused` (400/401/403, default `'info'`) and `unavailable` (503, default `'warn'`). */
  logLevels?: RefusalLogLevels | undefined
}

/** Reports one refusal; `where` names the request by method and route template. */
export type RefusalReporter<TRequest> = (error: TokenGuardError, request: TRequest, where: string) => void

/** The option names of {@link RefusalReportOptions}. */
export const REFUSAL_REPORT_KEYS = ['onError', 'logger', 'logLevels'] as const

/** Validates the options once and returns the reporter. */
export function refusalReporter<TRequest>(options: RefusalReportOptions<TRequest>): RefusalReporter<TRequest> {
  const { onError, logger = console, logLevels } = options
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('tokenguard: "onError" must be a function')
  if (logger !== false && !isLogger(logger)) throw new TypeError('tokenguard: "logger" must have debug/info/warn/error methods, or be false')
  const levels = settleLogLevels(logLevels)
  if (onError !== undefined) {
    return (error, request) => {
      try {
        onError(error, request)
      } catch {
        // logging must never change the answer
      }
    }
  }
  if (logger === false) return () => undefined
  return (error, _request, where) => logRefusal(logger, levels, error, where)
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && ['debug', 'info', 'warn', 'error'].every((level) => typeof (value as Record<string, unknown>)[level] === 'function')
}
