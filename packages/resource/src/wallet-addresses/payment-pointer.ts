// Payment pointers (RFC 0026): `$host/path` ↔ `https://host/path`. The one place every package resolves them.

export class InvalidPaymentPointerError extends Error {
  readonly code = 'invalid_payment_pointer';
  constructor(pointer: string, reason: string) {
    super(`invalid payment pointer "${pointer}": ${reason}`);
    this.name = 'InvalidPaymentPointerError';
  }
}

const HOST_PATTERN = /^[a-zA-Z0-9.-]+$/;

/** `$example.com/alice` → `https://example.com/alice`; `$example.com` → `https://example.com/.well-known/pay`. */
export function paymentPointerToUrl(pointer: string): string {
  if (!pointer.startsWith('$')) throw new InvalidPaymentPointerError(pointer, 'must start with $');
  if (!/^[\x21-\x7e]+$/.test(pointer)) throw new InvalidPaymentPointerError(pointer, 'must be printable ASCII');
  const rest = pointer.slice(1);
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  if (!host || !HOST_PATTERN.test(host)) {
    throw new InvalidPaymentPointerError(pointer, 'host must be a domain name, without user info or port');
  }
  if (/[?#]/.test(path)) throw new InvalidPaymentPointerError(pointer, 'must not have a query or fragment');
  return `https://${host}${path === '' || path === '/' ? '/.well-known/pay' : path}`;
}

/** Accepts either form and returns the URL: how wallet addresses given by users are read everywhere. */
export function walletAddressUrlFrom(input: string): string {
  return input.startsWith('$') ? paymentPointerToUrl(input) : input;
}

/** `https://example.com/alice` → `$example.com/alice` (only for https URLs without port, query or fragment). */
export function urlToPaymentPointer(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.port || parsed.search || parsed.hash || parsed.username) return undefined;
  const path = parsed.pathname === '/.well-known/pay' ? '' : parsed.pathname.replace(/\/$/, '');
  return `$${parsed.host}${path}`;
}
