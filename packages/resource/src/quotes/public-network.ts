// Receivers on other servers are URLs a third-party client chooses (a quote's `receiver`): fetching them must not let
// it reach this server's own network — cloud metadata endpoints, the database host, internal admin ports — or map
// it by the errors it gets back. Addresses are checked when the name is resolved, and again by the connection itself,
// so a name that resolves differently the second time (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address is one that no receiver on the public Internet has. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? PRIVATE.check(mapped[1], 'ipv4') : PRIVATE.check(address, 'ipv6');
}

export class PrivateNetworkError extends Error {
  readonly code = 'private_network';
  constructor(host: string) {
    super(`${host} is on a private network`);
    this.name = 'PrivateNetworkError';
  }
}

/** Resolves `url`'s host and refuses it when any of its addresses is private. */
export async function assertPublicHost(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : (
        await new Promise<LookupAddress[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
        ).catch(() => [])
      ).map((found) => found.address);
  if (addresses.length === 0) throw new Error(`${host} could not be resolved`);
  if (addresses.some(isPrivateAddress)) throw new PrivateNetworkError(host);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Name resolution for a connection that must reach a public address (net's `lookup` option): it fails with
 * PrivateNetworkError when any address of the name is private, but for `trustedHosts`.
 */
export function publicOnlyLookup(trustedHosts: readonly string[] = []) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!trustedHosts.includes(hostname) && addresses.some((found) => isPrivateAddress(found.address))) {
        return callback(new PrivateNetworkError(hostname), []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * A dispatcher whose connections refuse private addresses, whatever the name resolves to at connect time, but for
 * `trustedHosts` (this deployment's own names, which may resolve to an internal load balancer).
 */
export function publicNetworkDispatcher(trustedHosts: readonly string[] = []): Agent {
  return new Agent({ connect: { lookup: publicOnlyLookup(trustedHosts) } });
}
