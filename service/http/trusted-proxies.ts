import { isIP } from 'node:net';

/**
 * Parses the reverse proxies whose X-Forwarded-For header the service trusts: IP addresses or
 * CIDR ranges separated by commas. Throttles count per client address, so behind a proxy that
 * is not listed every client shares the proxy's address and its limits. A range that covers
 * every address (a /0) is rejected, because then any client could name its own address and
 * escape the limits.
 *
 * @throws Error naming the first entry that is not an address or a range.
 */
export function parseTrustedProxies(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new Error(`--trust-proxy expects IP addresses or CIDR ranges separated by commas, such as 10.0.0.5,10.1.0.0/16, not "${entry}".`);
    }
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return bits >= 1 && bits <= (version === 4 ? 32 : 128);
}
