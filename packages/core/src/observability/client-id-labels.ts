/**
 * `client_id` as a metric attribute, bounded. Off unless the application opts in: client ids come from tokens,
 * and every distinct value is another time series. With an allowlist, listed ids are their own label and
 * anything else is `other`; with a number N, the first N client ids seen in *verified* tokens are labelled
 * (an attacker cannot mint those), refusals only reuse a label already known, and everything else is `other`.
 */

/** Which client ids become metric attributes: an allowlist, or the first N seen in verified tokens. */
export type ClientIdAttribute = readonly string[] | number

/** The label of the catch-all series. */
export const OTHER_CLIENT = 'other'

/** Labels client ids within the bound. */
export interface ClientIdLabels {
  /** The attribute value for `clientId` (`undefined` when the token named none). */
  label(clientId: unknown, verified: boolean): string | undefined
}

export function clientIdLabels(setting: ClientIdAttribute): ClientIdLabels {
  const known = new Set<string>(typeof setting === 'number' ? [] : setting)
  const room = typeof setting === 'number' ? setting : 0
  return {
    label(clientId, verified) {
      if (typeof clientId !== 'string' || clientId === '') return undefined
      if (known.has(clientId)) return clientId
      if (verified && known.size < room) {
        known.add(clientId)
        return clientId
      }
      return OTHER_CLIENT
    },
  }
}
