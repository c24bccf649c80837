import { sign } from 'node:crypto';
import { serializeDictionary, serializeInnerList, type Item } from 'structured-headers';
import { createContentDigest } from './content-digest';
import { HttpSignatureError } from './errors';
import { bodyBytes, hasBody, hasHeader, normalizeHeaders } from './headers';
import { assertEd25519PrivateKey, assertUsableKeyId } from './jwk';
import { buildSignatureBase } from './signature-base';
import { DEFAULT_LABEL } from './signature-input';
import { signedTargetUri } from './target-uri';
import type { SignableRequest, SignatureHeaders, SigningKey } from './types';

export interface SignOptions {
  /** Unix seconds to put in `created`; defaults to now. */
  created?: number;
}

/**
 * Signs a request the way the official Open Payments client does: covers `@method`, `@target-uri`, `authorization`
 * when present, and `content-digest`, `content-length`, `content-type` when there is a body, with params
 * `keyid`, `created` under label `sig1`. The returned headers must be sent as they are, replacing any of the same name.
 */
export function signRequest(request: SignableRequest, key: SigningKey, options: SignOptions = {}): SignatureHeaders {
  assertUsableKeyId(key.keyId);
  assertEd25519PrivateKey(key.privateKey);
  const created = options.created ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(created) || created < 0) {
    throw new HttpSignatureError('invalid_request', 'created must be a non-negative integer (unix seconds)');
  }
  const headers = normalizeHeaders(request.headers);
  const result: Partial<SignatureHeaders> = {};
  const components = ['@method', '@target-uri'];
  if (hasHeader(headers, 'authorization')) components.push('authorization');
  if (hasBody(request.body)) {
    // The official client always sends application/json; a caller's own Content-Type is kept and signed instead.
    result['Content-Digest'] = headers['content-digest'] = createContentDigest(request.body);
    result['Content-Length'] = headers['content-length'] = String(bodyBytes(request.body).length);
    const contentType = hasHeader(headers, 'content-type') ? headers['content-type'] : 'application/json';
    result['Content-Type'] = headers['content-type'] = contentType;
    components.push('content-digest', 'content-length', 'content-type');
  }
  const items: Item[] = components.map((name) => [name, new Map()]);
  const paramsText = serializeInnerList([
    items,
    new Map<string, string | number>([
      ['keyid', key.keyId],
      ['created', created],
    ]),
  ]);
  const base = buildSignatureBase(items, paramsText, {
    method: request.method,
    url: signedTargetUri(request.url),
    headers,
  });
  const signature = sign(null, Buffer.from(base, 'utf8'), key.privateKey);
  return {
    Signature: serializeDictionary(new Map([[DEFAULT_LABEL, [signature, new Map()]]])),
    'Signature-Input': `${DEFAULT_LABEL}=${paramsText}`,
    ...result,
  };
}
