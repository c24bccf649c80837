import { HttpSignatureError } from './errors';

/**
 * The `@target-uri` a signer should cover: the WHATWG serialization, because that is what fetch/undici put on the
 * wire (and what the official client signs, taking `Request.url`), so the receiver reconstructs the same string.
 */
export function signedTargetUri(url: string): string {
  try {
    return new URL(url).href;
  } catch (cause) {
    throw new HttpSignatureError('invalid_request', 'request url must be an absolute URL', { cause });
  }
}

/**
 * A verifier covers the URL exactly as the caller reconstructed it from the received request (RFC 9421 §2.2.2);
 * it is only checked to be absolute, since a path alone can never match what a client signed.
 */
export function receivedTargetUri(url: string): string {
  if (!URL.canParse(url)) throw new HttpSignatureError('invalid_request', 'request url must be an absolute URL');
  return url;
}
