/**
 * The server variants of the load benchmark. Every protected variant requires a valid RS256 token from the
 * bench's key server (issuer, audience, signature with keys fetched over HTTP) and the scope `read:data`;
 * every handler answers the same small JSON.
 */

export type Framework = 'express' | 'fastify'
/**
 * `floor`: the framework with empty hooks where the auth hooks go, the least any auth library can cost.
 * `signature`: the framework plus the raw signature check and `aud`/scope compared (`signature-floor.ts`), the
 * least a JWT check can cost (issue 18's "floor" of the cold path).
 * `control`: tokenguard's server again, in a process of its own (an A/A control): what it and the first differ
 * by is how finely the run resolves a ratio on this machine.
 * `instrumented`: tokenguard with observability on (see `bench/observability.ts`), never in the default run.
 */
export type VariantKind = 'bare' | 'floor' | 'signature' | 'tokenguard' | 'control' | 'peer' | 'instrumented'

export interface VariantInfo {
  readonly name: string
  readonly framework: Framework
  readonly kind: VariantKind
  /** What it runs, for the report. */
  readonly label: string
}

export const VARIANTS: readonly VariantInfo[] = [
  { name: 'express-bare', framework: 'express', kind: 'bare', label: 'Express 5 (no auth)' },
  { name: 'express-noop', framework: 'express', kind: 'floor', label: 'Express 5 + 2 empty middlewares' },
  { name: 'express-signature-floor', framework: 'express', kind: 'signature', label: 'Express 5 + raw node:crypto signature check' },
  { name: 'express-tokenguard', framework: 'express', kind: 'tokenguard', label: 'Express 5 + @tokenguard/express' },
  { name: 'express-tokenguard-protect', framework: 'express', kind: 'tokenguard', label: 'Express 5 + @tokenguard/express, auth.protect()' },
  { name: 'express-tokenguard-again', framework: 'express', kind: 'control', label: 'Express 5 + @tokenguard/express, again (A/A control)' },
  { name: 'express-oauth2-jwt-bearer', framework: 'express', kind: 'peer', label: 'Express 5 + express-oauth2-jwt-bearer' },
  { name: 'express-jwt', framework: 'express', kind: 'peer', label: 'Express 5 + express-jwt/jwks-rsa' },
  { name: 'fastify-bare', framework: 'fastify', kind: 'bare', label: 'Fastify 5 (no auth)' },
  { name: 'fastify-noop', framework: 'fastify', kind: 'floor', label: 'Fastify 5 + empty onRequest hook' },
  { name: 'fastify-signature-floor', framework: 'fastify', kind: 'signature', label: 'Fastify 5 + raw node:crypto signature check' },
  { name: 'fastify-tokenguard', framework: 'fastify', kind: 'tokenguard', label: 'Fastify 5 + @tokenguard/fastify' },
  { name: 'fastify-tokenguard-again', framework: 'fastify', kind: 'control', label: 'Fastify 5 + @tokenguard/fastify, again (A/A control)' },
  { name: 'fastify-auth0-verify', framework: 'fastify', kind: 'peer', label: 'Fastify 5 + fastify-auth0-verify (fast-jwt)' },
  { name: 'fastify-jose', framework: 'fastify', kind: 'peer', label: 'Fastify 5 + jose (onRequest hook)' },
]

/**
 * Instrumented tokenguard, per framework (`bench/observability.ts` runs them beside the uninstrumented server and its
 * A/A control, `-again`): `-otel` passes `telemetry: { api }` with no SDK registered (what a
 * library user without OpenTelemetry pays), `-otel-sdk` registers the metrics and tracing SDKs first (what
 * recording costs), `-observed` adds an audit sink and a `tokenguard:decision` subscriber to that.
 */
export const INSTRUMENTED_VARIANTS: readonly VariantInfo[] = (['express', 'fastify'] as const).flatMap((framework) => {
  const name = framework === 'express' ? 'Express 5' : 'Fastify 5'
  return [
    { name: `${framework}-tokenguard-otel`, framework, kind: 'instrumented' as const, label: `${name} + tokenguard, telemetry: { api }, no SDK` },
    { name: `${framework}-tokenguard-otel-sdk`, framework, kind: 'instrumented' as const, label: `${name} + tokenguard, metrics + tracing SDK registered` },
    { name: `${framework}-tokenguard-observed`, framework, kind: 'instrumented' as const, label: `${name} + tokenguard, SDK + audit sink + channel subscriber` },
  ]
})

/** Where the servers find the issuer; passed to each server process in its environment. */
export interface IssuerConfig {
  issuer: string
  jwksUri: string
  audience: string
}

/** The route every variant serves, the scope it requires and the body it answers. */
export const ROUTE = '/data'
export const REQUIRED_SCOPE = 'read:data'
export const BODY = Object.freeze({ ok: true })

export function variantNamed(name: string): VariantInfo {
  const variant = [...VARIANTS, ...INSTRUMENTED_VARIANTS].find((candidate) => candidate.name === name)
  if (variant === undefined) throw new TypeError(`bench: unknown variant ${JSON.stringify(name)} (known: ${[...VARIANTS, ...INSTRUMENTED_VARIANTS].map((v) => v.name).join(', ')})`)
  return variant
}

/** Whether a space-delimited `scope` claim grants the required scope (for the peers without scope checks). */
export function grantsScope(scope: unknown): boolean {
  return typeof scope === 'string' && scope.split(' ').includes(REQUIRED_SCOPE)
}
