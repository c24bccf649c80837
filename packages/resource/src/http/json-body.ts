import type Koa from 'koa';
import { invalidRequest, OpenPaymentsError } from '../open-payments-error';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads the raw request body (bounded) once and keeps it: signatures cover its exact bytes via Content-Digest. */
export async function readRawBody(ctx: Koa.Context): Promise<Buffer> {
  const state = ctx.state as { rawBody?: Buffer };
  if (state.rawBody) return state.rawBody;
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_BODY_BYTES) throw new OpenPaymentsError(400, 'invalid_request', 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new OpenPaymentsError(400, 'invalid_request', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  state.rawBody = Buffer.concat(chunks);
  return state.rawBody;
}

/** The JSON object in the body; an empty body is `{}`; anything else that is not a JSON object is a 400. */
export async function readJsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  // Parsed once per request: request validation reads it before the route does.
  const state = ctx.state as { jsonBody?: Record<string, unknown> };
  return (state.jsonBody ??= await parseJsonBody(ctx));
}

async function parseJsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  const raw = await readRawBody(ctx);
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidRequest('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
