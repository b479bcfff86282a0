/**
 * What the request pipeline answers: a decision, never an exception, so that every adapter translates the
 * same three outcomes and nothing else.
 */
import type { AuthContext } from './auth-context.js'
import type { TokenGuardError } from './errors.js'

/** The request carried a valid token that meets the route's requirement. */
export interface Accepted<TClaims extends object = Record<string, unknown>> {
  readonly outcome: 'accepted'
  readonly auth: AuthContext<TClaims>
  /**
   * Headers to add to the response, when there are any: a fresh `DPoP-Nonce` when the proof's nonce is about
   * to rotate out (RFC 9449 §8.2). Adapters set them before the handler runs.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** An optional route, and the request carried no token at all. */
export interface Anonymous {
  readonly outcome: 'anonymous'
  readonly auth: null
}

/** The request is refused: answer with `error.status`, `error.headers` and `error.body`. */
export interface Refused {
  readonly outcome: 'refused'
  readonly error: TokenGuardError
}

/** The pipeline's answer for one request. */
export type Decision<TClaims extends object = Record<string, unknown>> = Accepted<TClaims> | Anonymous | Refused

export const ANONYMOUS: Anonymous = Object.freeze({ outcome: 'anonymous', auth: null })

/**
 * Frozen, and of one shape whether or not it has headers: a cached token's acceptance is made once and
 * answered to every request it passes (so no caller may change it), and adapters that read `outcome` and
 * `headers` of every decision see one kind of object, not two, for an acceptance.
 */
export function accepted<TClaims extends object>(auth: AuthContext<TClaims>, headers?: Readonly<Record<string, string>>): Accepted<TClaims> {
  return Object.freeze({ outcome: 'accepted', auth, headers })
}

export function refused(error: TokenGuardError): Refused {
  return { outcome: 'refused', error }
}
