import { isIP } from 'node:net';

/**
 * Parses the reverse proxies whose X-Forwarded-For header the service trusts: IP addresses or
 * CIDR ranges separated by commas. Throttles count per client address, so behind a proxy that
 * is not listed every client shares the proxy's address and its limits.
 *
 * A client inside a trusted range can name any address in X-Forwarded-For and so escape the
 * limits. Ranges are therefore limited to proxies' own networks: IPv4 ranges of /8 or narrower,
 * and IPv6 ranges of /16 or narrower that cover at most an IPv4 /8 of the IPv4-mapped addresses
 * (::ffff:0:0/96), which the service matches IPv4 clients against.
 *
 * @param source the option or environment variable the value came from, for the error message.
 * @throws Error naming the first entry that is not an address or a range, or that is too wide.
 */
export function parseTrustedProxies(value: string, source = '--trust-proxy'): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const range = parseRange(entry);
    if (range === null) {
      throw new Error(`${source} expects IP addresses or CIDR ranges separated by commas, such as 10.0.0.5,10.1.0.0/16, not "${entry}".`);
    }
    if (tooWide(range)) {
      throw new Error(
        `${source}: "${entry}" is too wide. Any client inside it could choose the address that the sign-in, recovery and emergency revocation limits count. List only the proxies' own addresses: IPv4 ranges of /8 or narrower, and IPv6 ranges of /16 or narrower that cover at most an IPv4 /8 of the IPv4-mapped addresses (::ffff:0:0/96).`,
      );
    }
  }
  return entries;
}

interface Range {
  version: 4 | 6;
  /** The address as a number: 32 bits for IPv4, 128 for IPv6. */
  bits: bigint;
  prefix: number;
}

function parseRange(entry: string): Range | null {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  // A zone index such as %eth0 names an interface, not a range.
  if (version === 0 || rest.length > 0 || address.includes('%')) return null;
  const width = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return null;
  return version === 4 ? { version, bits: ipv4Bits(address), prefix } : { version: 6, bits: ipv6Bits(address), prefix };
}

const ipv4MappedPrefix = 0xffffn << 32n;

function tooWide({ version, bits, prefix }: Range): boolean {
  if (version === 4) return prefix < 8;
  if (prefix < 16) return true;
  // A range that overlaps ::ffff:0:0/96 covers IPv4 clients: all of them below /96, else an IPv4 /(prefix - 96).
  const shared = BigInt(128 - Math.min(prefix, 96));
  const overlapsMapped = bits >> shared === ipv4MappedPrefix >> shared;
  return overlapsMapped && prefix < 96 + 8;
}

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
}

/** Reads an IPv6 address that isIP accepted, with or without "::" and a dotted IPv4 ending. */
function ipv6Bits(address: string): bigint {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const ipv4 = ipv4Bits(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(ipv4 >> 16n).toString(16)}:${(ipv4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
