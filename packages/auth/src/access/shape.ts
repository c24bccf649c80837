import { invalidRequest } from '../errors';

// Small readers for untrusted JSON. Every refusal names the offending path, and unknown properties are refused
// everywhere: a field we do not understand could be a constraint the client expects us to honour.

export function readObject(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`${path} must be an object`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw invalidRequest(`${path}.${key} is not a known field`);
  }
  return record;
}

export function readString(value: unknown, path: string, maxLength = 2048): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(`${path} must be a non-empty string`);
  if (value.length > maxLength) throw invalidRequest(`${path} is longer than ${maxLength} characters`);
  return value;
}

export function readArray(value: unknown, path: string, minItems: number, maxItems: number): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be an array`);
  if (value.length < minItems || value.length > maxItems) {
    throw invalidRequest(`${path} must have ${minItems === maxItems ? minItems : `${minItems} to ${maxItems}`} items`);
  }
  return value;
}

/** An absolute http(s) URL without credentials: what identifiers, wallet addresses and callbacks must be. */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
}

export function readHttpUrl(value: unknown, path: string): string {
  const text = readString(value, path);
  if (!isHttpUrl(text)) throw invalidRequest(`${path} must be an absolute http(s) URL`);
  return text;
}
