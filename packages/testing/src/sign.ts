/**
 * Minting tokens with the test issuer's keys: a shape (RFC 9068 by default, or a provider's) filled with
 * the issuer's values, then the option switches that make a token wrong in exactly one way.
 */
import { SignJWT, type JWTHeaderParameters } from 'jose'
import { SIGNING_ALGORITHMS, type IssuerKey, type KeyRing, type SigningAlgorithm } from './keys.js'
import { DEFAULT_LIFETIME, SHAPE_EXTRAS, shapes, type Auth0ShapeInput, type EntraIdShapeInput, type KeycloakShapeInput, type ShapeName } from './shapes.js'

/** Options of `sign()`. Each switch makes the token wrong in one way only, so a test names what it refuses. */
export interface SignOptions {
  /** The signing algorithm; the issuer must have been created with it. Default is the issuer's first algorithm. */
  alg?: SigningAlgorithm | undefined
  /** The `kid` of a published (or dropped) key to sign with. Default is the current key of `alg`. */
  key?: string | undefined
  /** The `kid` header; `null` leaves it out. Default is the signing key's id. */
  kid?: string | null | undefined
  /** The `typ` header; `null` leaves it out. Default is `'at+jwt'` (provider shapes: the provider's). */
  typ?: string | null | undefined
  /** More protected header members, set last (`alg` included, at your own risk). */
  header?: Record<string, unknown> | undefined
  /** The `aud` claim; `null` leaves it out. Default is the issuer's `audience` (Cognito shapes: none). */
  audience?: string | readonly string[] | null | undefined
  /** Granted scopes (a space-delimited string or a list), in the shape's scope claim. Default is none. */
  scope?: string | readonly string[] | undefined
  /** The client the token is issued to (`client_id`, `sub`, `azp`, `cid`… by shape). Default is the issuer's `clientId`. */
  clientId?: string | undefined
  /** Lifetime, in seconds. Default is 300 (5 minutes). */
  expiresIn?: number | undefined
  /** Issued and expired in the past: `exp` 10 minutes ago (well outside any clock tolerance). */
  expired?: boolean | undefined
  /** `nbf` 10 minutes from now. */
  notYetValid?: boolean | undefined
  /** Signed by a key of `alg` the issuer never publishes; its `kid` is unknown to the JWK Set (unless `kid` says otherwise). */
  unknownKey?: boolean | undefined
  /** Typed as a DPoP proof (`typ: dpop+jwt`), a JWT that is not an access token. */
  wrongType?: boolean | undefined
  /** Claims removed after everything else is applied. */
  omit?: readonly string[] | undefined
}

/** Auth0-shaped tokens take {@link Auth0ShapeInput.permissions} too. */
export type Auth0SignOptions = SignOptions & Pick<Auth0ShapeInput, 'permissions'>
/** Entra ID-shaped tokens take {@link EntraIdShapeInput.tenantId} too. */
export type EntraIdSignOptions = SignOptions & Pick<EntraIdShapeInput, 'tenantId'>
/** Keycloak-shaped tokens take {@link KeycloakShapeInput.realm} too. */
export type KeycloakSignOptions = SignOptions & Pick<KeycloakShapeInput, 'realm'>

/** Claims given to `sign()`: set over the shape's, so they win. */
export type Claims = Record<string, unknown>

/** `sign(claims?, options?)`, with one shaped variant per provider. */
export interface Sign {
  (claims?: Claims, options?: SignOptions): Promise<string>
  auth0(claims?: Claims, options?: Auth0SignOptions): Promise<string>
  okta(claims?: Claims, options?: SignOptions): Promise<string>
  entraId(claims?: Claims, options?: EntraIdSignOptions): Promise<string>
  cognito(claims?: Claims, options?: SignOptions): Promise<string>
  keycloak(claims?: Claims, options?: KeycloakSignOptions): Promise<string>
}

/** What signing needs from the issuer. */
export interface SigningContext {
  issuer: string
  audience: string | readonly string[]
  clientId: string
  algorithms: readonly SigningAlgorithm[]
  ring: KeyRing
}

const SIGN_OPTIONS = new Set(['alg', 'key', 'kid', 'typ', 'header', 'audience', 'scope', 'clientId', 'expiresIn', 'expired', 'notYetValid', 'unknownKey', 'wrongType', 'omit'])
const PAST = 600

/** Builds the `sign` function of one issuer. */
export function createSign(context: SigningContext): Sign {
  const shaped = (name: ShapeName) => (claims: Claims = {}, options: SignOptions = {}) => signShaped(context, name, claims, options)
  return Object.assign(shaped('rfc9068'), { auth0: shaped('auth0'), okta: shaped('okta'), entraId: shaped('entraId'), cognito: shaped('cognito'), keycloak: shaped('keycloak') })
}

async function signShaped(context: SigningContext, name: ShapeName, claims: Claims, options: SignOptions): Promise<string> {
  checkOptions(name, claims, options)
  const key = await signingKey(context, options)
  const realNow = Math.floor(Date.now() / 1000)
  const expiresIn = options.expiresIn ?? DEFAULT_LIFETIME
  const given = options as Record<string, unknown>
  const extras = Object.fromEntries(SHAPE_EXTRAS[name].filter((extra) => given[extra] !== undefined).map((extra) => [extra, given[extra]]))
  const audience = options.audience === null ? undefined : options.audience ?? (name === 'cognito' ? undefined : context.audience)
  const shape = shapes[name]({
    ...extras, issuer: context.issuer, audience, clientId: options.clientId ?? context.clientId, scope: options.scope, expiresIn,
    now: options.expired === true ? realNow - PAST - expiresIn : realNow,
  })
  const payload: Claims = { ...shape.claims, ...(options.notYetValid === true ? { nbf: realNow + PAST } : {}), ...claims }
  for (const claim of options.omit ?? []) delete payload[claim]
  return new SignJWT(payload).setProtectedHeader(headerFor(key, shape.header.typ, options)).sign(key.privateKey)
}

function headerFor(key: IssuerKey, shapeType: string | undefined, options: SignOptions): JWTHeaderParameters {
  const typ = options.typ !== undefined ? options.typ : options.wrongType === true ? 'dpop+jwt' : shapeType
  const kid = options.kid !== undefined ? options.kid : key.kid
  const header: Record<string, unknown> = { alg: key.alg, ...(kid === null ? {} : { kid }), ...(typ == null ? {} : { typ }), ...options.header }
  return header as JWTHeaderParameters
}

async function signingKey(context: SigningContext, options: SignOptions): Promise<IssuerKey> {
  if (options.key !== undefined) {
    const key = context.ring.find(options.key)
    if (key === undefined) throw new TypeError(`@tokenguard/testing: sign() "key" ${JSON.stringify(options.key)} is not a key of this issuer (see issuer.keys)`)
    if (options.alg !== undefined && options.alg !== key.alg) throw new TypeError(`@tokenguard/testing: sign() key ${options.key} is ${key.alg}, not ${options.alg}`)
    if (options.unknownKey === true) throw new TypeError('@tokenguard/testing: sign() takes "key" or "unknownKey", not both')
    return key
  }
  const alg = options.alg ?? context.algorithms[0]!
  const current = context.ring.current(alg)
  if (current === undefined) {
    throw new TypeError(`@tokenguard/testing: this issuer has no ${alg} key; create it with createTestIssuer({ algorithms: [${[...context.algorithms, alg].map((a) => `'${a}'`).join(', ')}] })`)
  }
  return options.unknownKey === true ? context.ring.stranger(alg) : current
}

function checkOptions(name: ShapeName, claims: unknown, options: unknown): void {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TypeError('@tokenguard/testing: sign() claims must be an object')
  if (typeof options !== 'object' || options === null) throw new TypeError('@tokenguard/testing: sign() options must be an object')
  const method = name === 'rfc9068' ? 'sign()' : `sign.${name}()`
  for (const [option, value] of Object.entries(options)) {
    if (!SIGN_OPTIONS.has(option) && !SHAPE_EXTRAS[name].includes(option)) {
      throw new TypeError(`@tokenguard/testing: ${method} has no option "${option}" (claims go in the first argument)`)
    }
    if (value !== undefined) checkOption(method, option, value)
  }
  const { typ, wrongType } = options as SignOptions
  if (typ !== undefined && wrongType === true) throw new TypeError(`@tokenguard/testing: ${method} takes "typ" or "wrongType", not both`)
}

function checkOption(method: string, option: string, value: unknown): void {
  const fail = (what: string) => {
    throw new TypeError(`@tokenguard/testing: ${method} "${option}" must be ${what}`)
  }
  switch (option) {
    case 'alg':
      if (!SIGNING_ALGORITHMS.includes(value as SigningAlgorithm)) fail(`one of ${SIGNING_ALGORITHMS.join(', ')}`)
      return
    case 'kid':
    case 'typ':
      if (value !== null && typeof value !== 'string') fail('a string or null')
      return
    case 'audience':
      if (value !== null && !isTextOrList(value)) fail('a string, an array of strings, or null')
      return
    case 'scope':
      if (!isTextOrList(value)) fail('a string or an array of strings')
      return
    case 'expiresIn':
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail('a positive number of seconds')
      return
    case 'header':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object')
      return
    case 'omit':
      if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) fail('an array of claim names')
      return
    case 'key':
    case 'clientId':
    case 'tenantId':
    case 'realm':
      if (typeof value !== 'string' || value === '') fail('a non-empty string')
      return
    default:
      if (typeof value !== 'boolean') fail('a boolean')
  }
}

function isTextOrList(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((entry) => typeof entry === 'string'))
}
