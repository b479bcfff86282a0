/**
 * One way of presenting a token per runner: core `verify()`, and each adapter over real HTTP (the
 * `GET /whoami` route of `test/support/apps.ts`, which needs any valid token): Express 5 and 4, Fastify,
 * Hono, NestJS on both platforms, the Fetch API handler and the node:http example. Every runner reports
 * the same outcome shape, so one table of cases runs against all of them. The key servers are plain http
 * on 127.0.0.1: every runner allows it.
 */
import assert from 'node:assert/strict'
import { createVerifier, TokenGuardError, type MultiIssuerOptions, type Verifier, type VerifierOptions } from '@tokenguard/core'
import { ADAPTERS } from '../support/apps.js'

const TIME_LIMIT_MS = 5000

/** The outcome of one presentation: status, and the operator reason of a refusal. */
export interface Outcome {
  status: number
  reason?: string
}

export interface Runner {
  /** The verifier the runner answers with (e.g. to refresh its keys, or to look at cache identity). */
  verifier: Verifier
  present(token: string): Promise<Outcome>
  close(): Promise<void>
}

const onLoopback = <T extends object>(options: T): T => ({ allowInsecureHttp: true, ...options })

async function coreRunner(options: VerifierOptions | MultiIssuerOptions): Promise<Runner> {
  const verifier = createVerifier(onLoopback(options))
  return {
    verifier,
    async present(token) {
      try {
        await verifier.verify(token)
        return { status: 200 }
      } catch (error) {
        assert.ok(error instanceof TokenGuardError, `not a TokenGuardError: ${String(error)}`)
        return { status: error.status, reason: error.reason }
      }
    },
    close: async () => undefined,
  }
}

function httpRunner(start: (typeof ADAPTERS)[number]['start']) {
  return async (options: VerifierOptions | MultiIssuerOptions): Promise<Runner> => {
    // apps.ts types its factory with single-issuer options; createVerifier, which it calls, takes both.
    const app = await start(onLoopback(options) as VerifierOptions)
    return {
      verifier: app.verifier,
      async present(token) {
        const before = app.refusals.length
        const response = await fetch(`${app.url}/whoami`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIME_LIMIT_MS) })
        await response.text()
        const reason = app.refusals.slice(before)[0]?.reason
        return reason === undefined ? { status: response.status } : { status: response.status, reason }
      },
      close: () => app.close(),
    }
  }
}

/** Core first, then every adapter of `ADAPTERS`. */
export const RUNNERS: ReadonlyArray<{ name: string; start(options: VerifierOptions | MultiIssuerOptions): Promise<Runner> }> = [
  { name: 'core', start: coreRunner },
  ...ADAPTERS.map((adapter) => ({ name: adapter.name, start: httpRunner(adapter.start) })),
]
