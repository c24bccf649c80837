import type { SignableRequest } from './types';

/** Header names lower-cased and field lines combined with ", " as RFC 9110 §5.3 allows, so lookups are exact. */
export type NormalizedHeaders = Record<string, string>;

export function normalizeHeaders(headers: SignableRequest['headers']): NormalizedHeaders {
  // No prototype: a header called "constructor" or "__proto__" must not collide with Object.prototype.
  const normalized: NormalizedHeaders = Object.create(null) as NormalizedHeaders;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const combined = Array.isArray(value) ? value.join(', ') : value;
    const key = name.toLowerCase();
    normalized[key] = key in normalized ? `${normalized[key]}, ${combined}` : combined;
  }
  return normalized;
}

/** A header counts as present only with a non-blank value, as the official client decides what to cover. */
export function hasHeader(headers: NormalizedHeaders, name: string): boolean {
  const value = headers[name];
  return value !== undefined && value.trim() !== '';
}

export function bodyBytes(body: string | Buffer | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export function hasBody(body: string | Buffer | undefined): body is string | Buffer {
  return body !== undefined && body.length > 0;
}
