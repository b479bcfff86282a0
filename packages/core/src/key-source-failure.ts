/**
 * Misconfiguration or outage: what a failed key fetch means. An authorization server that does not answer
 * (refused, timeout, 5xx) is an outage: requests get 503 and the key source retries until it recovers. One
 * that answers, but with something that shows the configuration cannot work (metadata naming another
 * issuer, nothing at the well-known locations, a key set URL that is not a JWK Set) is a misconfiguration:
 * still 503 on the wire, but `ready()` rejects with a {@link ConfigurationError} so that startup fails with
 * the fix in the message. Only before any key was ever loaded: once a configuration has worked, the same
 * answers mean the server broke, an outage with the last good keys serving.
 */
import { ConfigurationError, isConfigurationError } from './errors.js'
import { FetchJsonError, type FailureKind } from './fetch-json.js'
import { acceptedKeySet, screenKeySet, type RejectedKey } from './key-set.js'
import type { JSONWebKeySet } from 'jose'

/**
 * The usable keys of a fetched key set document: screened (`key-hygiene.ts`), the refused members told to
 * `onScreened`; a set with no usable key is refused as the configuration's fault (the URL serves no usable
 * JWK Set), naming every key and why.
 */
export function usableKeySet(body: unknown, maxKeys: number, onScreened?: (rejected: readonly RejectedKey[]) => void): JSONWebKeySet {
  try {
    const { keys, rejected } = screenKeySet(body, maxKeys)
    onScreened?.(rejected)
    return acceptedKeySet(keys, rejected)
  } catch (error) {
    throw new FetchJsonError(error instanceof Error ? error.message : String(error), { cause: error, kind: 'configuration' })
  }
}

/** What a failure means, given whether the key source ever had keys with this configuration. */
export function failureKind(error: unknown, everLoaded: boolean): FailureKind {
  if (everLoaded) return 'outage'
  if (isConfigurationError(error)) return 'configuration'
  return error instanceof FetchJsonError ? error.kind : 'outage'
}

/**
 * The {@link ConfigurationError} for a misconfiguration found while fetching the key set at `jwksUri`:
 * configured (`jwksUri` option) or discovered from `issuer`'s metadata.
 */
export function keySetMisconfiguration(error: unknown, jwksUri: string | undefined, configured: boolean, issuer: string | undefined, discoveryUrl?: string): ConfigurationError {
  if (isConfigurationError(error)) return error
  const reason = error instanceof Error ? error.message : String(error)
  if (configured) return new ConfigurationError('jwksUri', `the key set at ${jwksUri} is not usable: ${reason} — check "jwksUri" (it must serve the issuer's JWK Set)`, { cause: error })
  if (discoveryUrl !== undefined) {
    return new ConfigurationError('discoveryUrl', `the key set at ${jwksUri} (the jwks_uri in the metadata at ${discoveryUrl}) is not usable: ${reason} — check "discoveryUrl", or set "jwksUri"`, { cause: error })
  }
  return new ConfigurationError('issuer', `the key set at ${jwksUri} (the jwks_uri in the metadata of issuer ${JSON.stringify(issuer)}) is not usable: ${reason} — check "issuer", or set "jwksUri"`, { cause: error })
}
