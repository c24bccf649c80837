import type { Item } from 'structured-headers';
import { HttpSignatureError } from './errors';
import { hasBody, hasHeader, type NormalizedHeaders } from './headers';

/**
 * What Open Payments needs a signature to bind: the method and full URL always, the access token whenever one is
 * sent, and the body (through its digest) whenever there is one. A component only counts when covered without
 * parameters: `"authorization";req` or `"content-digest";bs` would bind something else.
 */
export function checkRequiredComponents(
  components: Item[],
  headers: NormalizedHeaders,
  body: string | Buffer | undefined,
): void {
  const covered = new Set(components.filter(([, params]) => params.size === 0).map(([name]) => name));
  const required = ['@method', '@target-uri'];
  if (hasHeader(headers, 'authorization')) required.push('authorization');
  if (hasBody(body) && !hasHeader(headers, 'content-digest')) {
    throw new HttpSignatureError('missing_digest', 'request has a body but no Content-Digest');
  }
  if (hasHeader(headers, 'content-digest')) required.push('content-digest');
  for (const name of required) {
    if (!covered.has(name)) throw new HttpSignatureError('missing_component', `signature does not cover ${name}`);
  }
}
