/**
 * A refusal as Nest's own `HttpException`, so that Nest's exception layer (and any filter the application
 * has) answers it: status, and the JSON body `{ error, error_description }`. The guard sets the refusal's
 * `WWW-Authenticate` / `Retry-After` headers on the response before throwing it.
 */
import { HttpException } from '@nestjs/common'
import type { TokenGuardError } from '@tokenguard/core/adapter'

export class TokenguardException extends HttpException {
  /** The refusal: `reason`, `detail` and `facts` are for logs, never for the client. */
  readonly refusal: TokenGuardError

  constructor(refusal: TokenGuardError) {
    super(refusal.body, refusal.status, { cause: refusal })
    this.refusal = refusal
  }
}
