// A signed GraphQL client for an admin listener, as a Rafiki client talks to it: each request signed with the
// secret, with a nonce in GraphQL's `extensions` (as the console adds) so that repeating a request on purpose is
// never refused as a replay.
import { randomUUID } from 'node:crypto';
import { signAdminRequest } from '../../src';

// GraphQL results are checked by the tests' assertions, not by types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface GqlResult {
  status: number;
  body: { data?: Json; errors?: { message: string; extensions?: { code?: string } }[] };
}

export interface RequestOptions {
  /** Sign with this secret instead of the right one. */
  secret?: string;
  /** Unix seconds to sign with. */
  timestamp?: number;
  /** The exact signature header to send; null sends none. */
  signature?: string | null;
  headers?: Record<string, string>;
}

export interface AdminClient {
  /** Posts `body` to /graphql, signed unless told otherwise. */
  post(body: unknown, options?: RequestOptions): Promise<GqlResult>;
  gql(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<GqlResult>;
  /** gql() that must succeed without errors; returns data. */
  ok(query: string, variables?: Record<string, unknown>): Promise<Json>;
  /** gql() that must fail with `code` on some field; returns the first error. */
  fails(query: string, variables: Record<string, unknown>, code: string): Promise<{ message: string }>;
}

/** A client of the admin listener at `url` (its base URL, without /graphql). */
export function adminClient(url: string, secret: string): AdminClient {
  const post = async (body: unknown, request: RequestOptions = {}): Promise<GqlResult> => {
    const signature =
      request.signature === undefined
        ? signAdminRequest(request.secret ?? secret, body, request.timestamp)
        : request.signature;
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { signature } : {}), ...request.headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GqlResult['body'] };
  };
  // Two identical bodies signed in the same second carry the same signature, and the second is refused as a replay
  // (as in Rafiki). Tests repeat requests on purpose, so each gets a nonce.
  const gql = (query: string, variables?: Record<string, unknown>, request?: RequestOptions) =>
    post({ query, ...(variables ? { variables } : {}), extensions: { nonce: randomUUID() } }, request);

  return {
    post,
    gql,
    async ok(query, variables) {
      const result = await gql(query, variables);
      if (result.status !== 200 || result.body.errors) {
        throw new Error(`expected success, got ${result.status} ${JSON.stringify(result.body)}`);
      }
      return result.body.data;
    },
    async fails(query, variables, code) {
      const result = await gql(query, variables);
      const error = result.body.errors?.[0];
      if (!error || error.extensions?.code !== code) {
        throw new Error(`expected an error ${code}, got ${result.status} ${JSON.stringify(result.body)}`);
      }
      return error;
    },
  };
}
