/** The plugin's own options, checked once at registration. */
import { assertKnownKeys, MULTI_ISSUER_OPTION_KEYS, VERIFIER_OPTION_KEYS } from '@tokenguard/core/adapter'

const WARMUP_MODES = new Set(['await', 'background', 'off'])
// Fastify's own register() options arrive in the same object.
const PLUGIN_KEYS = ['requireByDefault', 'warmup', 'protectedResourceMetadata', 'prefix', 'logLevel', 'logSerializers'] as const

/** Refuses wrong types of the plugin's options, and unknown keys beside an existing `verifier`. */
export function assertPluginOptions(options: object): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('tokenguard: plugin options must be an object')
  const given = options as Record<string, unknown>
  if (given.requireByDefault !== undefined && typeof given.requireByDefault !== 'boolean') throw new TypeError('tokenguard: "requireByDefault" must be a boolean')
  if (given.warmup !== undefined && !WARMUP_MODES.has(given.warmup as string)) throw new TypeError('tokenguard: "warmup" must be "await", "background" or "off"')
  const verifierKeys = 'verifier' in given ? ['verifier'] : 'issuers' in given ? MULTI_ISSUER_OPTION_KEYS : VERIFIER_OPTION_KEYS
  assertKnownKeys(given, [...verifierKeys, ...PLUGIN_KEYS], 'tokenguard plugin options')
}
