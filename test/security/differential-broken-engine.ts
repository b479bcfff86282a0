/**
 * A broken signature engine for the decision-level control: any RS256 signature is accepted (as a buggy
 * fast path could), everything else is jose's. Never used outside the control's child process.
 */
import { acceptsAnySignature } from './differential-engines.js'

export const verifyJwt = acceptsAnySignature('RS256').verifyJwt
export const SIGNATURE_ENGINE = 'broken: accepts any RS256 signature'
