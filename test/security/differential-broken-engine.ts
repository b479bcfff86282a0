/**
 * A broken signature engine for the decision-level control: any RS256 signature is accepted (as a buggy
 * fast path could), everything else is the jose engine's. Never used outside the control's child process.
 */
import type * as JoseEngine from '../../packages/core/dist/jwt-verify-jose.js'
import { acceptsAnySignature } from './differential-engines.js'

const jose = (await import(new URL('../../../packages/core/dist/jwt-verify-jose.js', import.meta.url).href)) as typeof JoseEngine

export const verifyJwt = acceptsAnySignature('RS256').verifyJwt
export const decodeUnverified = jose.decodeUnverified
export const SIGNATURE_ENGINE = 'broken: accepts any RS256 signature'
