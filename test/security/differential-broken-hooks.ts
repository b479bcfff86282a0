/**
 * Module hooks for the control of differential-decision.test.ts: core's `#jwt-verify` resolves to a broken
 * engine (differential-broken-engine.ts) instead of either real one. Registered by the child only.
 */
interface ResolveContext {
  parentURL?: string
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '#jwt-verify') return { url: new URL('./differential-broken-engine.js', import.meta.url).href, shortCircuit: true }
  return nextResolve(specifier, context)
}
