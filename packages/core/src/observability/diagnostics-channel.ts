/**
 * Node's `diagnostics_channel`, the convention undici and Fastify publish through, so that an APM subscribes
 * by name without configuring anything. Core stays runtime-neutral: the module is looked up once, through
 * `getBuiltinModule` of the global `process` where the runtime has one (Node 20.16+, Bun, Deno, Workers with `nodejs_compat`),
 * never imported. Elsewhere there are no channels and nothing is published.
 */

/** A named channel (Node's `Channel`). */
export interface ChannelLike {
  readonly hasSubscribers: boolean
  publish(message: unknown): void
}

interface DiagnosticsChannelModule {
  channel(name: string | symbol): ChannelLike
}

/** Channel name of decisions: one {@link DecisionEvent} per decision. */
export const DECISION_CHANNEL = 'tokenguard:decision'
/** Channel name of key-source events: each `KeySourceEvent` with the `issuer` it belongs to. */
export const KEYS_CHANNEL = 'tokenguard:keys'

const diagnostics = builtinDiagnosticsChannel()

/** The decision channel, or `undefined` where the runtime has no `diagnostics_channel`. */
export const decisionChannel: ChannelLike | undefined = diagnostics?.channel(DECISION_CHANNEL)
/** The key-source channel, or `undefined` where the runtime has no `diagnostics_channel`. */
export const keysChannel: ChannelLike | undefined = diagnostics?.channel(KEYS_CHANNEL)

function builtinDiagnosticsChannel(): DiagnosticsChannelModule | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  try {
    const module = runtime?.getBuiltinModule?.('node:diagnostics_channel') as Partial<DiagnosticsChannelModule> | undefined
    return typeof module?.channel === 'function' ? (module as DiagnosticsChannelModule) : undefined
  } catch {
    return undefined // a runtime that has the function but refuses the module: no channels
  }
}

/** Publishes `message()` when someone subscribes; the message is not even built otherwise. */
export function publishTo(channel: ChannelLike | undefined, message: () => unknown): void {
  if (channel === undefined || !channel.hasSubscribers) return
  try {
    channel.publish(message())
  } catch {
    // Node reports a throwing subscriber as an uncaught exception on its own; where a runtime throws here
    // instead, the subscriber's bug must still not change the answer
  }
}
