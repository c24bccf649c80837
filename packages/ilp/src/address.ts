// ILP addresses (RFC 0015): `scheme 1*("." segment)`, segments of [A-Za-z0-9_~-], 1..1023 characters in total.
// The expression is ilp-packet's; V8 compiles it to code faster than a hand-written scanner.

export const ILP_ADDRESS_MAX_LENGTH = 1023;

const ILP_ADDRESS = /^(?:g|private|example|peer|self|test[1-3]?|local)(?:\.[A-Za-z0-9_~-]+)+$/;

export function isValidIlpAddress(address: string): boolean {
  return typeof address === 'string' && address.length <= ILP_ADDRESS_MAX_LENGTH && ILP_ADDRESS.test(address);
}

/** The allocation scheme (`g`, `test`, `peer`, …) of a valid address; undefined when the address is not valid. */
export function ilpAddressScheme(address: string): string | undefined {
  return isValidIlpAddress(address) ? address.slice(0, address.indexOf('.')) : undefined;
}
