import { httpbis } from 'http-message-signatures';
import { serializeItem, type Item } from 'structured-headers';
import { HttpSignatureError } from './errors';
import type { NormalizedHeaders } from './headers';

export interface BaseMessage {
  method: string;
  url: string;
  headers: NormalizedHeaders;
}

/**
 * The RFC 9421 §2.5 signature base. Component values come from http-message-signatures (field trimming, obs-fold,
 * derived components); the `@signature-params` line is ours because the library can only re-serialize it, while the
 * verifier may need the received text.
 */
export function buildSignatureBase(components: Item[], paramsText: string, message: BaseMessage): string {
  for (const [name] of components) {
    if (typeof name === 'string' && !name.startsWith('@') && !(name in message.headers)) {
      throw new HttpSignatureError('missing_component', `covered header ${name} is not in the request`);
    }
  }
  let lines: string;
  try {
    lines = httpbis.formatSignatureBase(
      httpbis.createSignatureBase({ fields: components.map((component) => serializeItem(component)) }, message),
    );
  } catch (cause) {
    // The library throws plain Errors for components it cannot derive (unknown derived component, `req` on a
    // request, `sf` on a field that does not parse, missing query parameter): all mean the input asks for
    // something this request cannot provide.
    throw new HttpSignatureError('malformed_signature_input', 'a covered component cannot be derived', { cause });
  }
  const paramsLine = `"@signature-params": ${paramsText}`;
  return lines === '' ? paramsLine : `${lines}\n${paramsLine}`;
}
