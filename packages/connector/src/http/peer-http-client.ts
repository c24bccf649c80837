// Sends Prepares to peers over ILP over HTTP (synchronous mode) with one keep-alive undici Pool per peer origin.
// Transport outcomes become Rejects we author: connection failure → T01, HTTP 5xx → T00, other non-200 → T01 (the
// link is misconfigured: wrong token or path), a body that is not a Fulfill/Reject → T00. The caller's signal
// (aborted at the packet's expiry) cancels the request.
import {
  IlpErrorCode,
  deserializeIlpReply,
  serializeIlpPrepare,
  type IlpErrorCodeValue,
  type IlpPrepare,
  type IlpReply,
} from '@sluice/ilp';
import type { Logger } from 'pino';
import type { LookupFunction } from 'node:net';
import { Pool } from 'undici';
import type { PeerInfo } from '../directory';
import type { PeerSender } from '../pipeline/send';
import { readBody } from './read-body';
import { DEFAULT_MAX_BODY_BYTES } from './ilp-http-middleware';

export interface PeerHttpClientOptions {
  ilpAddress: string;
  logger: Logger;
  /** Sockets per peer origin. */
  connectionsPerPeer?: number;
  keepAliveTimeoutMs?: number;
  maxBodyBytes?: number;
  /**
   * Resolves the host of a peer whose endpoint must be public (`publicOnly`), failing for private addresses; it runs
   * as each connection is made. Without it such a peer is never connected to (refused with T01).
   */
  publicOnlyLookup?: LookupFunction;
}

export interface PeerHttpClient extends PeerSender {
  close(): Promise<void>;
}

const refuseEveryLookup: LookupFunction = (hostname, _options, callback) =>
  callback(new Error(`no public-only name resolution for ${hostname}`), '', 4);

export function createPeerHttpClient(options: PeerHttpClientOptions): PeerHttpClient {
  const pools = new Map<string, Pool>();
  const targets = new Map<string, { origin: string; path: string }>();
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let closed = false;

  const reject = (code: IlpErrorCodeValue, message: string): IlpReply => ({
    code,
    triggeredBy: options.ilpAddress,
    message,
    data: Buffer.alloc(0),
  });

  function targetOf(endpoint: string): { origin: string; path: string } {
    let target = targets.get(endpoint);
    if (!target) {
      const url = new URL(endpoint);
      target = { origin: url.origin, path: `${url.pathname}${url.search}` };
      targets.set(endpoint, target);
    }
    return target;
  }

  // A public-only peer never shares a pool (and its open connections) with a peer of the same origin that is not.
  function poolOf(origin: string, publicOnly: boolean): Pool {
    const key = publicOnly ? `public-only ${origin}` : origin;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: options.connectionsPerPeer ?? 32,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        pipelining: 1,
        ...(publicOnly ? { connect: { lookup: options.publicOnlyLookup ?? refuseEveryLookup } } : {}),
      });
      pools.set(key, pool);
    }
    return pool;
  }

  return {
    async send(peer: PeerInfo, prepare: IlpPrepare, signal: AbortSignal): Promise<IlpReply> {
      if (closed) return reject(IlpErrorCode.T01_PEER_UNREACHABLE, 'connector is stopping');
      const { origin, path } = targetOf(peer.outgoing.endpoint);
      let response;
      try {
        response = await poolOf(origin, peer.outgoing.publicOnly === true).request({
          method: 'POST',
          path,
          headers: {
            authorization: `Bearer ${peer.outgoing.authToken}`,
            'content-type': 'application/octet-stream',
            accept: 'application/octet-stream',
          },
          body: serializeIlpPrepare(prepare),
          signal,
        });
      } catch (error) {
        if (!signal.aborted) options.logger.debug({ err: error, peer: peer.id }, 'peer unreachable');
        return reject(IlpErrorCode.T01_PEER_UNREACHABLE, 'peer unreachable');
      }
      try {
        if (response.statusCode !== 200) {
          await response.body.dump();
          options.logger.warn({ peer: peer.id, status: response.statusCode }, 'peer answered with an HTTP error');
          return response.statusCode >= 500
            ? reject(IlpErrorCode.T00_INTERNAL_ERROR, 'peer error')
            : reject(IlpErrorCode.T01_PEER_UNREACHABLE, 'peer refused the request');
        }
        return deserializeIlpReply(await readBody(response.body, limit));
      } catch (error) {
        if (!signal.aborted) options.logger.warn({ err: error, peer: peer.id }, 'invalid reply from peer');
        return reject(IlpErrorCode.T00_INTERNAL_ERROR, 'invalid reply from peer');
      }
    },

    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.destroy()));
    },
  };
}
