import {
  isInnerList,
  parseDictionary,
  parseList,
  serializeInnerList,
  serializeItem,
  type Item,
  type Parameters,
} from 'structured-headers';
import { HttpSignatureError } from './errors';
import type { NormalizedHeaders } from './headers';

/** Open Payments signs with this label and Rafiki's validator reads only this one. */
export const DEFAULT_LABEL = 'sig1';

export interface SignatureParams {
  keyid: string;
  created: number;
  expires?: number;
  alg?: string;
  nonce?: string;
  tag?: string;
}

export interface ParsedSignatureInput {
  /** Covered component identifiers in signed order, each with its own parameters (usually none). */
  components: Item[];
  params: SignatureParams;
  /**
   * Texts to try as the `@signature-params` value. RFC 9421 §2.3 defines it as the serialization of the parsed
   * parameters; Rafiki and PROTOCOLS.md use the received text. They differ only for a non-canonically serialized
   * input, so both are tried and either binds the same parsed parameters we check.
   */
  paramsTexts: string[];
}

const INTEGER_PARAMS = new Set(['created', 'expires']);
const STRING_PARAMS = new Set(['keyid', 'alg', 'nonce', 'tag']);

export function parseSignatureInput(headers: NormalizedHeaders, label: string = DEFAULT_LABEL): ParsedSignatureInput {
  const header = headers['signature-input'];
  if (header === undefined || header.trim() === '') {
    throw new HttpSignatureError('missing_signature', 'Signature-Input header is missing');
  }
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(header);
  } catch (cause) {
    throw new HttpSignatureError('malformed_signature_input', 'Signature-Input is not a structured dictionary', {
      cause,
    });
  }
  const member = dictionary.get(label);
  if (member === undefined) {
    throw new HttpSignatureError('missing_signature', `Signature-Input has no signature labelled ${label}`);
  }
  if (!isInnerList(member)) {
    throw new HttpSignatureError('malformed_signature_input', `Signature-Input ${label} is not an inner list`);
  }
  const components = checkComponents(member[0]);
  const params = checkParams(member[1]);
  const canonical = serializeInnerList(member);
  const received = receivedMemberText(header, label, dictionary.size, canonical);
  return { components, params, paramsTexts: received === undefined ? [canonical] : [canonical, received] };
}

/** The `keyid` of the labelled signature, to pick the verification key before verifying. */
export function keyIdFromSignatureInput(headers: NormalizedHeaders, label: string = DEFAULT_LABEL): string {
  return parseSignatureInput(headers, label).params.keyid;
}

function checkComponents(items: Item[]): Item[] {
  const seen = new Set<string>();
  for (const [name, params] of items) {
    if (typeof name !== 'string') {
      throw new HttpSignatureError('malformed_signature_input', 'a covered component is not a string');
    }
    // RFC 9421 §2.1: field names are covered in lowercase; Rafiki refuses anything else too.
    if (name !== name.toLowerCase() || name === '') {
      throw new HttpSignatureError('malformed_signature_input', `component "${name}" is not lowercase`);
    }
    if (name === '@signature-params') {
      throw new HttpSignatureError('malformed_signature_input', '@signature-params cannot be covered');
    }
    const identifier = serializeItem([name, params]);
    if (seen.has(identifier)) {
      throw new HttpSignatureError('malformed_signature_input', `component "${name}" is covered twice`);
    }
    seen.add(identifier);
  }
  return items;
}

function checkParams(params: Parameters): SignatureParams {
  for (const [name, value] of params) {
    if (INTEGER_PARAMS.has(name) && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
      throw new HttpSignatureError('malformed_signature_input', `${name} is not a non-negative integer`);
    }
    if (STRING_PARAMS.has(name) && typeof value !== 'string') {
      throw new HttpSignatureError('malformed_signature_input', `${name} is not a string`);
    }
  }
  const keyid = params.get('keyid');
  const created = params.get('created');
  // RFC 9421 makes both optional; Open Payments needs keyid to find the key and created to bound replay.
  if (typeof keyid !== 'string' || keyid === '') {
    throw new HttpSignatureError('malformed_signature_input', 'keyid parameter is missing');
  }
  if (typeof created !== 'number') {
    throw new HttpSignatureError('malformed_signature_input', 'created parameter is missing');
  }
  const result: SignatureParams = { keyid, created };
  const expires = params.get('expires');
  if (typeof expires === 'number') result.expires = expires;
  for (const name of ['alg', 'nonce', 'tag'] as const) {
    const value = params.get(name);
    if (typeof value === 'string') result[name] = value;
  }
  return result;
}

/**
 * The received text of the member when it can be cut out unambiguously: the header holds only this label. Anything
 * else (several members, duplicate labels) falls back to the canonical serialization alone.
 */
function receivedMemberText(header: string, label: string, size: number, canonical: string): string | undefined {
  if (size !== 1) return undefined;
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${label}=`)) return undefined;
  const text = trimmed.slice(label.length + 1);
  if (text === canonical) return undefined;
  try {
    const list = parseList(text);
    const only = list[0];
    if (list.length === 1 && only !== undefined && isInnerList(only) && serializeInnerList(only) === canonical) {
      return text;
    }
  } catch {
    // Not a single inner list on its own: only the canonical form is meaningful.
  }
  return undefined;
}
