// Which destinations a connector must refuse whatever its routing table says (RFC 0015, RFC 0034). IL-DCP's
// `peer.config` is handled before these rules.
import { ilpAddressScheme } from '@sluice/ilp';

const TEST_SCHEMES = new Set(['test', 'test1', 'test2', 'test3']);

/** Why `destination` must not be forwarded by a node whose own address is `ownAddress`; undefined if it may be. */
export function refuseDestination(destination: string, ownAddress: string): string | undefined {
  const scheme = ilpAddressScheme(destination);
  if (scheme === undefined) return 'invalid destination address';
  // Bilateral protocols are answered by the peer that receives them, never forwarded.
  if (scheme === 'peer') return 'peer protocol not supported';
  if (scheme === 'example') return 'example addresses are not routable';
  const ownScheme = ilpAddressScheme(ownAddress);
  // A live node must not carry testnet packets, and a test node must not carry live ones (RFC 0034).
  if (ownScheme === 'g' && TEST_SCHEMES.has(scheme)) return 'testnet address on a live node';
  if (ownScheme !== undefined && TEST_SCHEMES.has(ownScheme) && scheme === 'g') return 'live address on a test node';
  return undefined;
}
