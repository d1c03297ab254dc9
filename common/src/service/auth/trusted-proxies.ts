// Which peers may vouch for a person through headers: CIDR ranges parsed strictly, matched with node's BlockList.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** One parsed CIDR range: `10.0.0.0/8`, `fd00::/8`, or a single address (`/32`, `/128` implied). */
export interface CidrRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

// Longer than any IPv6 address with a zone-free prefix: anything longer is not a range, whatever it holds.
const MAX_CIDR_LENGTH = 64;

/** Parses a CIDR range or a single address; the error is a sentence for the config reader. */
export function parseCidr(text: string): CidrRange | { error: string } {
  if (text.length > MAX_CIDR_LENGTH) return { error: 'must be an IP range like 10.0.0.0/8 or fd00::/8' };
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  // A zone (`fe80::1%eth0`) names an interface of this host, which says nothing about who connects.
  if (family === undefined || address.includes('%')) return { error: `must be an IP range like 10.0.0.0/8 or fd00::/8 (got ${JSON.stringify(text)})` };
  const max = family === 'ipv4' ? 32 : 128;
  if (slash === -1) return { address, prefix: max, family };
  const digits = text.slice(slash + 1);
  // Digits only: `Number()` would accept ` 8`, `0x8`, `8e0` and `+8`, none of which anyone means.
  if (!/^\d{1,3}$/.test(digits) || Number(digits) > max) return { error: `the prefix length must be a whole number from 0 to ${max} (got ${JSON.stringify(text)})` };
  return { address, prefix: Number(digits), family };
}

/** A set of trusted ranges; IPv4-mapped IPv6 peers (`::ffff:10.0.0.1`) match their IPv4 range. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(ranges: readonly CidrRange[]) {
    for (const range of ranges) this.list.addSubnet(range.address, range.prefix, range.family);
    this.empty = ranges.length === 0;
  }

  /** Tells whether a peer address (as the socket reports it) lies in a trusted range; undefined or garbage never does. */
  trusts(address: string | undefined): boolean {
    if (this.empty || address === undefined) return false;
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
    const candidate = mapped ?? address;
    if (isIPv4(candidate)) return this.list.check(candidate, 'ipv4');
    if (isIPv6(candidate) && !candidate.includes('%')) return this.list.check(candidate, 'ipv6');
    return false;
  }
}
