// ILP over HTTP, synchronous mode (what Rafiki speaks; RFC 0035): `POST /ilp`, `Authorization: Bearer <token>` names
// the peer, the body is an OER Prepare, the response (200) is the Fulfill or Reject. Nothing reaches the pipeline
// without a known token (401). Bytes that are not a Prepare get an F01 Reject, still with 200, as RFC 0035 wants
// for ILP-level errors.
import { IlpErrorCode, deserializeIlpPrepare, serializeIlpReply, type IlpPrepare, type IlpReply } from '@sluice/ilp';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Directory } from '../directory';
import { postRoute } from './post-route';
import { BodyTooLargeError, readBody } from './read-body';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const OCTET_STREAM = 'application/octet-stream';

export interface IlpHttpMiddlewareDeps {
  directory: Directory;
  ilpAddress: string;
  logger: Logger;
  handlePrepare(incomingAccountId: string, prepare: IlpPrepare): Promise<IlpReply>;
  path?: string;
  maxBodyBytes?: number;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1] : undefined;
}

export function createIlpHttpMiddleware(deps: IlpHttpMiddlewareDeps): Koa.Middleware {
  const path = deps.path ?? '/ilp';
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return postRoute(path, async (ctx) => {
    const token = bearerToken(ctx.get('authorization') || undefined);
    const peer = token === undefined ? undefined : await deps.directory.peerByIncomingToken(token);
    if (!peer) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      return;
    }
    if (!ctx.is(OCTET_STREAM)) {
      ctx.status = 400;
      ctx.body = 'expected application/octet-stream';
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(ctx.req, limit, 'drain');
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      ctx.status = 413;
      return;
    }
    let reply: IlpReply;
    try {
      reply = await deps.handlePrepare(peer.id, deserializeIlpPrepare(body));
    } catch (error) {
      // deserializeIlpPrepare throws only InvalidIlpPacketError; handlePrepare never throws.
      reply = {
        code: IlpErrorCode.F01_INVALID_PACKET,
        triggeredBy: deps.ilpAddress,
        message: error instanceof Error ? error.message.slice(0, 200) : 'invalid packet',
        data: Buffer.alloc(0),
      };
    }
    ctx.status = 200;
    ctx.type = OCTET_STREAM;
    ctx.body = serializeIlpReply(reply);
  });
}
