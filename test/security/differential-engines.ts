/**
 * The two JWT verification engines of core (issue 18), loaded from the built package: `jwt-verify-node.ts`
 * (the signature step done by `node:crypto`) and `jwt-verify-jose.ts` (jose's `jwtVerify`, the reference).
 * They are internal (no subpath exports them), so they are imported by a URL relative to this file's place
 * in build/, as test/core/cache-admission.test.ts does. Each also reads tokens unverified (`decodeUnverified`),
 * which the comparison covers too. Plus the deliberately broken engines of the
 * controls, which prove that the comparison can fail.
 */
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'

export type VerifyJwt = typeof jwtVerify
/** The engine's reading of a token without verification (the issuer pre-check and issuer selection use it). */
export type DecodeUnverified = (token: string) => { header: object; payload: object } | undefined

/** What the differential test needs of an engine. */
export interface Engine {
  name: string
  verifyJwt: VerifyJwt
  decodeUnverified?: DecodeUnverified
  /** The engine's own count of calls that took the native signature step and calls handed to jose whole. */
  routes?: Readonly<{ native: number; jose: number }>
}

interface EngineModule {
  verifyJwt: VerifyJwt
  decodeUnverified?: DecodeUnverified
  SIGNATURE_ENGINE: string
  engineRoutes?: { native: number; jose: number }
}

const load = async (path: string) => (await import(new URL(`../../../${path}`, import.meta.url).href)) as EngineModule

async function engine(path: string, expected: string): Promise<Engine> {
  const module = await load(path)
  if (module.SIGNATURE_ENGINE !== expected) throw new TypeError(`${path} says it is ${JSON.stringify(module.SIGNATURE_ENGINE)}, not ${expected}`)
  if (typeof module.verifyJwt !== 'function') throw new TypeError(`${path} exports no verifyJwt function`)
  return {
    name: expected,
    verifyJwt: module.verifyJwt,
    ...(module.decodeUnverified === undefined ? {} : { decodeUnverified: module.decodeUnverified }),
    ...(module.engineRoutes === undefined ? {} : { routes: module.engineRoutes }),
  }
}

/** The Node engine and the jose engine, as core builds them. */
export async function loadEngines(): Promise<{ native: Engine; jose: Engine }> {
  return {
    native: await engine('packages/core/dist/jwt-verify-node.js', 'node:crypto'),
    jose: await engine('packages/core/dist/jwt-verify-jose.js', 'jose'),
  }
}

/** A broken engine that accepts any signature on tokens whose header says `alg`, as a buggy fast path could. */
export function acceptsAnySignature(alg: string): Engine {
  const verifyJwt = async (token: string | Uint8Array, key: Parameters<VerifyJwt>[1], options?: Parameters<VerifyJwt>[2]) => {
    try {
      return await jwtVerify(token, key as JWTVerifyGetKey, options)
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed) || typeof token !== 'string') throw error
      const protectedHeader = decodeProtectedHeader(token)
      if (protectedHeader.alg !== alg) throw error
      const [header, payload, signature] = token.split('.') as [string, string, string]
      const resolved = typeof key === 'function' ? await key(protectedHeader as Parameters<JWTVerifyGetKey>[0], { payload, protected: header, signature }) : key
      return { payload: decodeJwt(token), protectedHeader, key: resolved }
    }
  }
  return { name: `broken: accepts any ${alg} signature`, verifyJwt: verifyJwt as VerifyJwt }
}

/** A broken engine that reports an expired token as a generic claim failure (another class, same message). */
export function renamesExpiry(): Engine {
  const verifyJwt = async (...args: Parameters<VerifyJwt>) => {
    try {
      return await jwtVerify(...(args as [string, JWTVerifyGetKey, Parameters<VerifyJwt>[2]]))
    } catch (error) {
      if (!(error instanceof errors.JWTExpired)) throw error
      throw new errors.JWTClaimValidationFailed(error.message, error.payload, error.claim, error.reason)
    }
  }
  return { name: 'broken: JWTExpired becomes JWTClaimValidationFailed', verifyJwt: verifyJwt as VerifyJwt }
}

/** A broken engine that reads tokens unverified with lenient UTF-8 (as jose's strict decoder does not), verifying as jose does. */
export function readsLeniently(): Engine {
  const lenient = new TextDecoder()
  const object = (segment: string | undefined): object | undefined => {
    try {
      const value: unknown = JSON.parse(lenient.decode(Buffer.from(segment ?? '', 'base64url')))
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined
    } catch {
      return undefined
    }
  }
  const decodeUnverified = (token: string) => {
    const [header, payload] = token.split('.').map(object)
    return header === undefined || payload === undefined ? undefined : { header, payload }
  }
  return { name: 'broken: reads unverified tokens with lenient UTF-8', verifyJwt: jwtVerify, decodeUnverified }
}
