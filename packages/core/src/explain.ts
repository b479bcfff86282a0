/**
 * `@tokenguard/core/explain`: why a verifier accepts or refuses one token, for tools such as the
 * `tokenguard explain` CLI. It runs the verifier's own `verify()` — not a copy of its checks — with a trace
 * of the steps that passed and, optionally, another clock; the outcome is `verify()`'s.
 */
import type { AuthContext } from './auth-context.js'
import type { CheckTrace, TracedCheck } from './check-trace.js'
import { isTokenGuardError, type TokenGuardError } from './errors.js'
import type { SettledOptions } from './options.js'
import type { RouteRequirement, RouteRequirementInit } from './requirement.js'
import { explainedVerify, type Verifier } from './verifier.js'

export type { TracedCheck } from './check-trace.js'

/** Options of {@link explainToken}. */
export interface ExplainOptions {
  /** The time `exp`, `nbf`, `iat` and `maxTokenAge` are checked at. Default is now. */
  at?: Date | undefined
}

/** What `verify()` decided, and the steps that led there. */
export interface Explanation {
  /** The steps of the verifier's code that passed, in the order they ran; the first one missing is where it stopped. */
  passed: TracedCheck[]
  /** The settled options of the issuer that checked the token; `undefined` if it was refused before one was chosen. */
  settings: SettledOptions | undefined
  /** The clock the time checks used. */
  at: Date
  /** `verify()`'s outcome: the token's context, or the refusal it threw (a 503 `KeysUnavailableError` included). */
  outcome: { accepted: true; auth: AuthContext<Record<string, unknown>> } | { accepted: false; error: TokenGuardError }
}

/**
 * Verifies `token` with `verifier.verify()`'s own code and reports each step. The verified-token cache is
 * neither read nor written (a cache hit would skip the checks to explain, and `at` may not be now); keys
 * are fetched as `verify()` fetches them. An introspected (opaque) token is not traced: `passed` stays empty
 * and the outcome is still `verify()`'s. Anything thrown that is not a refusal (a `TypeError` for a bad
 * requirement) propagates.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, tokenCache: false })
 * const { outcome, passed } = await explainToken(verifier, token, { scopes: ['read:data'] })
 * ```
 */
export async function explainToken(verifier: Verifier, token: string, requirement?: RouteRequirement | RouteRequirementInit, options: ExplainOptions = {}): Promise<Explanation> {
  const verify = explainedVerify(verifier)
  if (verify === undefined) throw new TypeError('tokenguard: explainToken needs a verifier made by createVerifier')
  const at = options.at ?? new Date()
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('tokenguard: "at" must be a valid Date')
  const passed: TracedCheck[] = []
  let settings: SettledOptions | undefined
  const trace: CheckTrace<SettledOptions> = {
    issuer: (issuerSettings) => void (settings = issuerSettings),
    // Several issuers: the selection and then the chosen issuer both check the syntax; one step is reported.
    passed: (check) => void (passed.at(-1) === check || passed.push(check)),
  }
  try {
    const auth = (await verify(token, requirement, { trace, at })) as AuthContext<Record<string, unknown>>
    return { passed, settings, at, outcome: { accepted: true, auth } }
  } catch (error) {
    if (!isTokenGuardError(error)) throw error
    return { passed, settings, at, outcome: { accepted: false, error } }
  }
}
