import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { needsInteraction } from '../access/policy';
import type { AccessItem } from '../access/types';
import { fetchClientName } from '../clients/client-display';
import type { ClientIdentity } from '../clients/client-identity';
import type { AuthSettings } from '../config';
import { GnapError, invalidRequest } from '../errors';
import { interactionUrl } from '../http/public-url';
import { insertGrant } from '../store/grants';
import { insertInteraction } from '../store/interactions';
import { issueAccessToken } from '../token/issue-token';
import { hashToken, randomToken } from '../tokens';
import type { GrantRequestBody } from './parse-grant-request';
import { accessTokenBody, continueBody, type GrantResponseBody } from './responses';

export interface CreateGrantDeps {
  knex: Knex;
  settings: AuthSettings;
  fetchWalletAddress(url: string): Promise<unknown>;
}

/**
 * Decides a validated, signature-checked grant request: access that needs no consent is issued at once (a token in
 * the response), anything else becomes a pending grant with an interaction the client sends the user to.
 */
export async function createGrant(
  deps: CreateGrantDeps,
  client: ClientIdentity,
  request: GrantRequestBody,
): Promise<GrantResponseBody> {
  const access = request.access ?? [];
  const interactive =
    request.subject !== undefined || access.some((item) => needsInteraction(item, deps.settings.interactionPolicy));
  return interactive ? createPendingGrant(deps, client, request, access) : createIssuedGrant(deps, client, access);
}

async function createIssuedGrant(
  deps: CreateGrantDeps,
  client: ClientIdentity,
  access: AccessItem[],
): Promise<GrantResponseBody> {
  const { settings } = deps;
  const now = settings.now();
  const grantId = randomUUID();
  const continueId = randomToken(16);
  const continueToken = randomToken();
  const token = await deps.knex.transaction(async (trx) => {
    await insertGrant(trx, {
      id: grantId,
      state: 'issued',
      access,
      subject: undefined,
      client,
      clientName: undefined,
      continueId,
      continueTokenHash: hashToken(continueToken),
      finish: undefined,
      now,
    });
    return issueAccessToken(trx, settings, grantId);
  });
  // The continuation is still returned (the spec requires it): its token is how the client cancels the grant.
  return {
    access_token: accessTokenBody(settings, token, access),
    continue: continueBody(settings, continueId, continueToken),
  };
}

async function createPendingGrant(
  deps: CreateGrantDeps,
  client: ClientIdentity,
  request: GrantRequestBody,
  access: AccessItem[],
): Promise<GrantResponseBody> {
  const { settings } = deps;
  if (request.interact === undefined) {
    throw invalidRequest("this access needs the resource owner's consent: the request must include interact");
  }
  if (!('walletAddress' in client)) {
    // auth-server.yaml: the jwk (directed identity) form is for non-interactive grant requests only.
    throw new GnapError(400, 'invalid_client', 'a client identified by a bare jwk cannot ask for interactive access');
  }
  access.forEach((item, index) => {
    // The resource owner consents for one wallet address; without one there is nobody to ask.
    if (item.type === 'incoming-payment' && item.identifier === undefined) {
      throw invalidRequest(`access_token.access[${index}].identifier is required for access that needs consent`);
    }
  });
  // Fetched before the transaction: no connection is held while waiting on the client's server.
  const clientName = await fetchClientName(deps.fetchWalletAddress, client.walletAddress);
  const now = settings.now();
  const grantId = randomUUID();
  const continueId = randomToken(16);
  const continueToken = randomToken();
  const interaction = { id: randomToken(16), nonce: randomToken(16), ref: randomToken(16) };
  await deps.knex.transaction(async (trx) => {
    await insertGrant(trx, {
      id: grantId,
      state: 'pending',
      access,
      subject: request.subject,
      client,
      clientName,
      continueId,
      continueTokenHash: hashToken(continueToken),
      finish: request.interact?.finish,
      now,
    });
    await insertInteraction(trx, {
      ...interaction,
      grantId,
      state: 'pending',
      expiresAt: new Date(now.getTime() + settings.interactionExpirySeconds * 1000),
      createdAt: now,
    });
  });
  // Rafiki puts the client's name and URI on the redirect for its IdP; we send the same, but the consent screens
  // show the values stored above, since the user agent (or the client) can rewrite a query string.
  const redirect = new URL(interactionUrl(settings, interaction.id, interaction.nonce));
  redirect.searchParams.set('clientName', clientName);
  redirect.searchParams.set('clientUri', client.walletAddress);
  return {
    interact: { redirect: redirect.href, finish: interaction.nonce },
    continue: continueBody(settings, continueId, continueToken, { wait: true }),
  };
}
