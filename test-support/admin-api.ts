// The operator's side of a live instance: a GraphQL request to its admin API, signed with its admin secret the way
// Rafiki's admin clients sign (with a nonce, so identical requests within a second are not taken for replays).
import { randomUUID } from 'node:crypto';
import { signAdminRequest } from '@sluice/admin';
import type { SluiceInstance } from '@sluice/server';

export interface AdminResult {
  status: number;
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function adminGraphql(
  sluice: SluiceInstance,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<AdminResult> {
  const body = { query, variables, extensions: { nonce: randomUUID() } };
  const response = await fetch(`${sluice.urls.admin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', signature: signAdminRequest(sluice.secrets.adminApiSecret, body) },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<AdminResult, 'status'>) };
}
