import { Agent, request as undiciRequest } from 'undici';
import { isEd25519Jwk } from '@sluice/http-signatures';
import { parseAccessItem } from '../access/parse-access';
import type { AccessItem } from '../access/types';
import type { IntrospectedClient, IntrospectionRequest, IntrospectionResponse } from './types';

export type IntrospectionClientErrorCode =
  /** The auth server could not be reached or did not answer in time. */
  | 'unreachable'
  /** It answered with a status other than 200. */
  | 'bad_status'
  /** It answered 200 with a body that is not an introspection response. */
  | 'invalid_response';

/** Introspection could not be done; a resource server answers such a request 401 (Rafiki), never as if active. */
export class IntrospectionClientError extends Error {
  override readonly name = 'IntrospectionClientError';

  constructor(
    readonly code: IntrospectionClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface IntrospectionClient {
  introspect(request: IntrospectionRequest): Promise<IntrospectionResponse>;
  /** Closes pooled connections (HTTP form); a no-op for the in-process form. */
  close(): Promise<void>;
}

export type IntrospectionClientOptions =
  /** Over HTTP, to the auth server's introspection listener. */
  | { url: string; timeoutMs?: number; connections?: number }
  /** In process: `createAuthServer(...).introspect`. */
  | { introspect(request: IntrospectionRequest): Promise<IntrospectionResponse> };

/**
 * What the resource server uses to check access tokens. There is deliberately no cache: every call asks the auth
 * server, so a revoked or rotated token is refused on the very next request.
 */
export function createIntrospectionClient(options: IntrospectionClientOptions): IntrospectionClient {
  if ('introspect' in options) {
    const introspect = options.introspect;
    return { introspect: (request) => introspect(request), close: async () => {} };
  }
  const url = new URL(options.url).href;
  const timeoutMs = options.timeoutMs ?? 5000;
  // Keep-alive connections: introspection happens on every resource server request.
  const agent = new Agent({ connections: options.connections ?? 32, keepAliveTimeout: 10_000 });
  return {
    async introspect(request) {
      let status: number;
      let text: string;
      try {
        const response = await undiciRequest(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        status = response.statusCode;
        text = await response.body.text();
      } catch (cause) {
        throw new IntrospectionClientError('unreachable', `introspection request failed: ${String(cause)}`, { cause });
      }
      if (status !== 200) {
        throw new IntrospectionClientError('bad_status', `introspection answered ${status}: ${text.slice(0, 200)}`);
      }
      return parseIntrospectionResponse(text);
    },
    close: () => agent.close(),
  };
}

/** Reads an introspection response strictly: anything unexpected is an error, never an active token. */
export function parseIntrospectionResponse(text: string): IntrospectionResponse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new IntrospectionClientError('invalid_response', 'introspection response is not JSON', { cause });
  }
  const invalid = (why: string) => new IntrospectionClientError('invalid_response', `introspection response ${why}`);
  if (typeof body !== 'object' || body === null) throw invalid('is not an object');
  const record = body as Record<string, unknown>;
  if (record.active === false) return { active: false };
  if (record.active !== true) throw invalid('has no boolean active');
  if (typeof record.grant !== 'string' || record.grant === '') throw invalid('has no grant');
  if (!Array.isArray(record.access)) throw invalid('has no access array');
  let access: AccessItem[];
  try {
    access = record.access.map((item, index) => parseAccessItem(item, `access[${index}]`));
  } catch (cause) {
    throw new IntrospectionClientError('invalid_response', `introspection response access: ${String(cause)}`, {
      cause,
    });
  }
  return { active: true, grant: record.grant, access, client: parseClient(record.client, invalid) };
}

function parseClient(value: unknown, invalid: (why: string) => Error): IntrospectedClient {
  if (typeof value !== 'object' || value === null) throw invalid('has no client');
  const client = value as Record<string, unknown>;
  if (typeof client.walletAddress === 'string' && URL.canParse(client.walletAddress)) {
    return { walletAddress: client.walletAddress };
  }
  if (isEd25519Jwk(client.jwk)) return { jwk: client.jwk };
  throw invalid('client is neither { walletAddress } nor { jwk }');
}
