import {
  isHttpSignatureError,
  verifyRequestSignature,
  type SignableRequest,
  type VerifiedSignature,
} from '@sluice/http-signatures';
import { GnapError } from '../errors';
import type { ClientIdentity } from './client-identity';
import type { ClientKeys } from './client-keys';

export interface SignatureCheck {
  keys: ClientKeys;
  maxSkewSeconds: number;
  now: () => Date;
}

/**
 * Proves a request comes from `client`: an RFC 9421 `sig1` signature by one of its keys over method, target URI,
 * Authorization (when sent) and Content-Digest (when there is a body), created within the allowed skew, with a
 * digest that matches the body. Every failure is a GNAP invalid_client; an unknown key is 400, the rest 401.
 */
export async function verifyClientSignature(
  check: SignatureCheck,
  request: SignableRequest,
  client: ClientIdentity,
): Promise<VerifiedSignature> {
  if (request.headers['signature'] === undefined || request.headers['signature-input'] === undefined) {
    throw new GnapError(401, 'invalid_client', 'request is not signed (Signature and Signature-Input required)');
  }
  try {
    // The client's key is looked up only once the Signature-Input parsed; an unknown key is the GnapError it throws.
    return await verifyRequestSignature(request, (keyId) => check.keys.getKey(client, keyId), {
      maxSkewSeconds: check.maxSkewSeconds,
      now: Math.floor(check.now().getTime() / 1000),
    });
  } catch (cause) {
    if (!isHttpSignatureError(cause)) throw cause;
    throw new GnapError(401, 'invalid_client', `invalid signature: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  return isHttpSignatureError(error) ? `${error.code} (${error.message})` : String(error);
}
