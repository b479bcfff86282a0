/**
 * The network an address belongs to, as a prefix: `203.0.113.0/24` for IPv4, `2001:db8:1::/48` for IPv6
 * (IPv4-mapped IPv6 addresses count as IPv4). Only literal addresses are read; anything else is no network.
 */

/** Prefix lengths the detector groups addresses by. */
export interface PrefixLengths {
  ipv4: number
  ipv6: number
}

/** The prefix of `address` (`undefined` when it is no IP address). */
export function networkOf(address: string | undefined, lengths: PrefixLengths): string | undefined {
  if (address === undefined) return undefined
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const v4 = ipv4(mapped?.[1] ?? address)
  if (v4 !== undefined) return `${formatIpv4(maskBits(v4, lengths.ipv4))}/${lengths.ipv4}`
  const v6 = ipv6(address)
  if (v6 === undefined) return undefined
  return `${formatIpv6(v6.map((group, index) => maskGroup(group, index, lengths.ipv6)))}/${lengths.ipv6}`
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined
  return parts.reduce((value, part) => value * 256 + Number(part), 0)
}

function maskBits(value: number, length: number): number {
  return value - (value % 2 ** (32 - length))
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.')
}

/** Eight 16-bit groups, or `undefined`. A zone (`%eth0`) is dropped. */
function ipv6(text: string): number[] | undefined {
  const address = text.replace(/%.*$/, '')
  if (!/^[0-9a-f:]+$/i.test(address) || address.split('::').length > 2) return undefined
  const [head = '', tail] = address.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const missing = 8 - left.length - right.length
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  if (all.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined
  return all.map((group) => parseInt(group, 16))
}

function maskGroup(group: number, index: number, length: number): number {
  const bits = Math.max(0, Math.min(16, length - index * 16))
  return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff
}

function formatIpv6(groups: number[]): string {
  // Trailing zero groups (what a prefix leaves) are written as `::`, the rest in full.
  let end = groups.length
  while (end > 0 && groups[end - 1] === 0) end--
  const head = groups.slice(0, end).map((group) => group.toString(16))
  return end === groups.length ? head.join(':') : `${head.join(':')}::`
}
