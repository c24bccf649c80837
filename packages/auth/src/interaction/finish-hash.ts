import { createHash } from 'node:crypto';

/**
 * The interaction finish hash (RFC 9635 §4.2.3): SHA-256 over `clientNonce \n asNonce \n interactRef \n
 * grantEndpointUrl` (no trailing newline), where the URL is the grant endpoint as the client called it.
 *
 * Encoding: RFC 9635 and the Open Payments docs' worked example use base64url without padding, but Rafiki (and the
 * Open Payments docs' JavaScript snippet, which clients copy) emit STANDARD base64 WITH padding. We emit Rafiki's
 * form so clients tested against Rafiki verify our hash unchanged; a client should accept both.
 */
export function finishHash(
  clientNonce: string,
  asNonce: string,
  interactRef: string,
  grantEndpointUrl: string,
): string {
  return createHash('sha256')
    .update(`${clientNonce}\n${asNonce}\n${interactRef}\n${grantEndpointUrl}`, 'ascii')
    .digest('base64');
}
