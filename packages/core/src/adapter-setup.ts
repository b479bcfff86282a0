/**
 * What every adapter does with its options at startup: take an existing verifier or create one, compile
 * the route requirement given beside the verifier's options, and settle how refusals are reported. One
 * place, so that the adapters agree on which keys they take and on how they refuse a typo.
 */
import { assertKnownKeys } from './option-keys.js'
import { MULTI_ISSUER_OPTION_KEYS, VERIFIER_OPTION_KEYS } from './options.js'
import { refusalReporter, type RefusalReporter, type RefusalReporting } from './refusal-log.js'
import type { RouteRequirement, RouteRequirementInit } from './requirement.js'
import { createVerifier, type Verifier } from './verifier.js'

/** An adapter's settled options. */
export interface AdapterSetup<TRequest> {
  readonly verifier: Verifier
  /** The requirement from `scopes`, `anyScopes`, `optional` and `claims` (any valid token when none is given). */
  readonly requirement: RouteRequirement
  readonly report: RefusalReporter<TRequest>
}

/** How {@link adapterSetup} reads an adapter's options. */
export interface AdapterSetupInit {
  /** Names the options in messages, e.g. `'tokenguard() options'`. */
  where: string
  /** Whether the requirement's keys are options here (else they are refused beside a verifier). Default `true`. */
  requirementKeys?: boolean | undefined
  /** The adapter's own keys, already taken out of the options by the caller (named in suggestions). */
  ownKeys?: readonly string[] | undefined
}

const REQUIREMENT_KEYS = ['scopes', 'anyScopes', 'optional', 'claims'] as const
const REFUSAL_REPORT_KEYS = ['onError', 'logger', 'logLevels'] as const

/**
 * Settles `options`: verifier options (a verifier is created from them) or `{ verifier }`, plus the
 * requirement and reporting keys (`onError`, else one log line on `logger`, default `console`). Any other
 * key is a mistake and refused, with the nearest known key as the likely fix.
 */
export function adapterSetup<TRequest>(options: object, init: AdapterSetupInit): AdapterSetup<TRequest> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`tokenguard: ${init.where} must be an object`)
  const withRequirement = init.requirementKeys !== false
  const { scopes, anyScopes, optional, claims, onError, logger, logLevels, ...verifierOptions } = options as RouteRequirementInit & RefusalReporting<TRequest> & Record<string, unknown>
  if (!withRequirement) {
    const given = Object.keys(options).filter((key) => (REQUIREMENT_KEYS as readonly string[]).includes(key))
    if (given.length > 0) throw new TypeError(`tokenguard: ${given.join(', ')} cannot be given in ${init.where}: pass the route's requirement as its own argument`)
  }
  // Checked against the adapter's keys and the verifier's together, so that "scope" is answered with
  // "did you mean scopes?" rather than with the verifier's list.
  const verifierKeys = 'verifier' in verifierOptions ? ['verifier'] : 'issuers' in verifierOptions ? MULTI_ISSUER_OPTION_KEYS : VERIFIER_OPTION_KEYS
  assertKnownKeys(options, [...verifierKeys, ...(withRequirement ? REQUIREMENT_KEYS : []), ...REFUSAL_REPORT_KEYS, ...(init.ownKeys ?? [])], init.where)
  const verifier = 'verifier' in verifierOptions ? assertVerifier(verifierOptions.verifier) : createVerifier(verifierOptions as unknown as Parameters<typeof createVerifier>[0])
  return Object.freeze({
    verifier,
    requirement: verifier.requirement(withRequirement ? { scopes, anyScopes, optional, claims } : {}),
    report: refusalReporter<TRequest>({ onError, logger, logLevels }, console),
  })
}

function assertVerifier(value: unknown): Verifier {
  if (typeof value !== 'object' || value === null || typeof (value as Verifier).decide !== 'function') {
    throw new TypeError('tokenguard: "verifier" must be a verifier made by createVerifier()')
  }
  return value as Verifier
}
