import { normalizeHeaders } from './headers';
import { DEFAULT_LABEL, keyIdFromSignatureInput } from './signature-input';
import type { SignableRequest } from './types';

/**
 * The `keyid` of the request's `sig1` signature, read before verification to choose the key. It is unauthenticated
 * until verifyRequestSignature succeeds with the key it selected.
 */
export function getSignatureKeyId(headers: SignableRequest['headers'], label: string = DEFAULT_LABEL): string {
  return keyIdFromSignatureInput(normalizeHeaders(headers), label);
}
