/**
 * The one `verifyJwt` of core: the engine `#jwt-verify` gives this runtime (jose's, or on Node the one with
 * a native signature step), with the rules both engines leave out applied after it, so that every caller —
 * access tokens, DPoP proofs, signed introspection answers — gets the same verification.
 */
import { errors, type JWTVerifyOptions, type JWTVerifyResult, type ResolvedKey } from 'jose'
import { verifyJwt as engineVerifyJwt } from '#jwt-verify'
import { hasFullLengthRsaSignature } from './rsa-signature-length.js'

type Key = Parameters<typeof engineVerifyJwt>[1]

/** jose's `jwtVerify` (its type is jose's), through this runtime's engine, refusing an RSA signature shorter than the modulus. */
export const verifyJwt = verifyWithRules as typeof engineVerifyJwt

async function verifyWithRules(jwt: string | Uint8Array, key: Key, options?: JWTVerifyOptions): Promise<JWTVerifyResult & Partial<ResolvedKey>> {
  const result = await engineVerifyJwt(jwt, key, options)
  const used = typeof key === 'function' ? result.key : key
  if (typeof jwt === 'string' && !hasFullLengthRsaSignature(jwt, used)) throw new errors.JWSSignatureVerificationFailed(SHORT_RSA_SIGNATURE)
  return result
}

const SHORT_RSA_SIGNATURE = 'the RSA signature is shorter than the key\'s modulus (RFC 8017 §8.2.2)'
