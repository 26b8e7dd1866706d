// Which network addresses agents and tools may reach (SPEC section 5): public unicast only,
// unless the operator allows a host or range (ROTA_OUTBOUND_ALLOW). Everything else — loopback,
// private, link-local (cloud metadata), unique-local, CGNAT, NAT64, 6to4, multicast, reserved —
// is blocked, in every spelling of the address (ipaddr.js unwraps IPv4-mapped IPv6).
import ipaddr from 'ipaddr.js';

export interface AllowList {
  readonly hosts: ReadonlySet<string>;
  readonly ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
  /**
   * Exact origins (`http://127.0.0.1:8080`) with an IP-literal host that the operator allowed
   * one by one (e.g. `rota demo` for its own demo site): that port of that address, nothing else.
   */
  readonly origins: ReadonlySet<string>;
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), ranges: [], origins: new Set() };

/** Parses ROTA_OUTBOUND_ALLOW entries: host names, addresses, and CIDR ranges. */
export function parseAllowList(
  entries: readonly string[],
  origins: ReadonlySet<string> = new Set(),
): AllowList {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of entries) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (entry.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      ranges.push([
        normalise(address),
        address.kind() === 'ipv6' && normalise(address).kind() === 'ipv4' ? bits - 96 : bits,
      ]);
    } else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      hosts.add(entry.replace(/\.$/, ''));
    }
  }
  return { hosts, ranges, origins };
}

const normalise = (address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 =>
  address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;

export type AddressVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Whether an IP address (any spelling ipaddr.js accepts) may be connected to. */
export function checkAddress(text: string, allow: AllowList): AddressVerdict {
  const bare = text.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return { allowed: false, reason: `"${text}" is not an IP address` };
  const address = ipaddr.process(bare);
  for (const [range, bits] of allow.ranges) {
    if (range.kind() === address.kind() && address.match(range, bits)) return { allowed: true };
  }
  const kind = address.range();
  return kind === 'unicast'
    ? { allowed: true }
    : {
        allowed: false,
        reason: `${address.toString()} is a ${kind} address; allow it with ROTA_OUTBOUND_ALLOW`,
      };
}

/** Whether a host name is allowed by name (an operator's explicit entry skips address checks). */
export const hostAllowed = (hostname: string, allow: AllowList): boolean =>
  allow.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
