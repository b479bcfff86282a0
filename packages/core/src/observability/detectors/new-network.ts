/**
 * "Alert on requests from unexpected IP addresses": an audit sink that remembers, per client, the networks
 * (an IPv4 /24, an IPv6 /48 by default) its verified tokens came from, and alerts when a known client shows
 * up from a network it has not used before. Only accepted, verified tokens count — an attacker without a
 * valid token cannot teach it anything or make it alert. Memory is bounded: at most `maxClients` clients
 * (least recently seen dropped first), each with at most `maxNetworksPerClient` networks.
 */
import { LRUCache } from 'lru-cache'
import type { DecisionEvent } from '../decision-event.js'
import type { AuditSink } from '../observer.js'
import { countOption, settleDetector, type DetectorOptions } from './detector-options.js'
import { networkOf, type PrefixLengths } from './network-prefix.js'

/** A client seen from a new network. */
export interface NewNetworkAlert {
  readonly type: 'new_network'
  readonly clientId: string
  /** The new network (`198.51.100.0/24`) and the address it was seen from. */
  readonly network: string
  readonly remoteAddress: string
  /** The networks the client was seen from before (most recent first). */
  readonly knownNetworks: readonly string[]
  readonly route: string | undefined
  readonly time: number
}

/** Options of {@link newNetworkDetector}. */
export interface NewNetworkOptions extends DetectorOptions<NewNetworkAlert> {
  /** Most clients remembered. Default is 10000. */
  maxClients?: number | undefined
  /** Most networks remembered per client (least recently used dropped first). Default is 8. */
  maxNetworksPerClient?: number | undefined
  /** IPv4 prefix length a network is made of (8 – 32). Default is 24. */
  ipv4PrefixLength?: number | undefined
  /** IPv6 prefix length a network is made of (16 – 128). Default is 48. */
  ipv6PrefixLength?: number | undefined
}

/** The detector: an audit sink, plus what it holds. */
export interface NewNetworkDetector extends AuditSink {
  /** Clients and networks remembered now (both bounded). */
  size(): { clients: number; networks: number }
}

/** Creates the detector; pass it as (one of) the verifier's `audit` sinks. */
export function newNetworkDetector(options: NewNetworkOptions): NewNetworkDetector {
  const { alert, now } = settleDetector(options, ['maxClients', 'maxNetworksPerClient', 'ipv4PrefixLength', 'ipv6PrefixLength'], 'newNetworkDetector()')
  const maxClients = countOption(options.maxClients, 10_000, 'maxClients', 1, 1_000_000)
  const maxNetworks = countOption(options.maxNetworksPerClient, 8, 'maxNetworksPerClient', 1, 1_000)
  const lengths: PrefixLengths = { ipv4: countOption(options.ipv4PrefixLength, 24, 'ipv4PrefixLength', 8, 32), ipv6: countOption(options.ipv6PrefixLength, 48, 'ipv6PrefixLength', 16, 128) }
  let networks = 0
  const clients = new LRUCache<string, string[]>({ max: maxClients, dispose: (known) => void (networks -= known.length) })

  const detector = (event: DecisionEvent): void => {
    if (event.outcome !== 'accepted' || !event.verified || event.client_id === undefined) return
    const network = networkOf(event.remoteAddress, lengths)
    if (network === undefined) return
    const known = clients.get(event.client_id)
    if (known === undefined) {
      // A first sighting is where the client starts, not an anomaly.
      clients.set(event.client_id, [network])
      networks += 1
      return
    }
    const index = known.indexOf(network)
    if (index === 0) return
    if (index > 0) {
      known.splice(index, 1)
      known.unshift(network)
      return
    }
    alert({ type: 'new_network', clientId: event.client_id, network, remoteAddress: event.remoteAddress!, knownNetworks: [...known], route: event.route, time: now() })
    known.unshift(network)
    networks += 1
    if (known.length > maxNetworks) {
      known.pop()
      networks -= 1
    }
  }
  return Object.assign(detector, { size: () => ({ clients: clients.size, networks }) })
}
