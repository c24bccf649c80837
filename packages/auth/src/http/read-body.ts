import type { Context } from 'koa';
import { GnapError, invalidRequest } from '../errors';

/**
 * The request body exactly as received: Content-Digest is computed over these bytes, so nothing may parse or
 * re-serialize them first. Bounded, since anyone can send a body before any check has run.
 */
export async function readRawBody(ctx: Context, maxBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > maxBytes) throw new GnapError(413, 'invalid_request', `body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new GnapError(413, 'invalid_request', `body larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The JSON value of a body, undefined when empty; anything else than JSON is an invalid_request. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest('body is not valid JSON');
  }
}
