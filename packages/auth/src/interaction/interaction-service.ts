import type { Knex } from 'knex';
import type { AccessItem, SubjectRequest } from '../access/types';
import type { AuthSettings } from '../config';
import { GnapError } from '../errors';
import { updateGrantState, type Grant } from '../store/grants';
import {
  findInteraction,
  setInteractionSession,
  setInteractionState,
  type Interaction,
  type InteractionWithGrant,
} from '../store/interactions';
import { hashToken } from '../tokens';
import { finishHash } from './finish-hash';
import { newSessionToken } from './session';

export interface InteractionDeps {
  knex: Knex;
  settings: AuthSettings;
}

export type StartResult =
  | { kind: 'started'; sessionToken: string; interaction: Interaction; grant: Grant }
  /** The interaction cannot start; the user goes back to the client with this URL (result=grant_invalid). */
  | { kind: 'redirect'; url: string };

export type FinishResult =
  | { kind: 'redirect'; url: string }
  /** The grant asked for no finish redirect (the client polls): tell the user they are done. */
  | { kind: 'done'; approved: boolean };

const unknownInteraction = () => new GnapError(404, 'unknown_interaction', 'unknown interaction');

function isExpired(settings: AuthSettings, interaction: Interaction): boolean {
  return settings.now().getTime() >= interaction.expiresAt.getTime();
}

function isOpen(settings: AuthSettings, found: InteractionWithGrant): boolean {
  return (
    found.interaction.state === 'pending' && found.grant.state === 'pending' && !isExpired(settings, found.interaction)
  );
}

/** Where the user is sent when the client asked for a finish redirect, with `params` added to its URI. */
function clientRedirect(grant: Grant, params: Record<string, string>): string {
  const url = new URL(grant.finishUri as string);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/**
 * `GET /interact/:id/:nonce`: opens a session for the browser that followed the client's redirect. Starting again
 * (a reload) replaces the session, so only the latest browser can finish.
 */
export async function startInteraction(deps: InteractionDeps, id: string, nonce: string): Promise<StartResult> {
  return deps.knex.transaction(async (trx) => {
    const found = await findInteraction(trx, id, nonce, { forUpdate: true });
    if (found === undefined) throw unknownInteraction();
    if (!isOpen(deps.settings, found)) {
      if (found.grant.finishUri !== null) {
        return { kind: 'redirect', url: clientRedirect(found.grant, { result: 'grant_invalid' }) };
      }
      throw new GnapError(403, 'invalid_interaction', 'this interaction is no longer open');
    }
    const sessionToken = newSessionToken();
    await setInteractionSession(trx, found.interaction.id, hashToken(sessionToken));
    return { kind: 'started', sessionToken, interaction: found.interaction, grant: found.grant };
  });
}

/** The open interaction of the browser holding `sessionToken` (built-in consent page). */
export async function loadSessionInteraction(
  deps: InteractionDeps,
  id: string,
  nonce: string,
  sessionToken: string | undefined,
): Promise<InteractionWithGrant> {
  if (sessionToken === undefined) throw new GnapError(401, 'invalid_request', 'no interaction session');
  const found = await findInteraction(deps.knex, id, nonce, { sessionHash: hashToken(sessionToken) });
  if (found === undefined) throw unknownInteraction();
  if (found.sessionMatches !== true) throw new GnapError(401, 'invalid_request', 'invalid interaction session');
  if (!isOpen(deps.settings, found)) throw new GnapError(400, 'invalid_interaction', 'this interaction is not open');
  return found;
}

export type Choice = 'accept' | 'reject';

/**
 * Records the resource owner's decision (IdP API or built-in page). The grant follows at once: approved grants can
 * be continued, rejected ones are final.
 */
export async function decideInteraction(deps: InteractionDeps, id: string, nonce: string, choice: Choice) {
  await deps.knex.transaction(async (trx) => {
    const found = await findInteraction(trx, id, nonce, { forUpdate: true });
    if (found === undefined) throw unknownInteraction();
    if (found.grant.state === 'rejected' || found.grant.state === 'revoked') {
      throw new GnapError(401, 'user_denied', 'the grant was rejected or revoked');
    }
    if (!isOpen(deps.settings, found)) throw new GnapError(400, 'invalid_interaction', 'this interaction is not open');
    const now = deps.settings.now();
    await setInteractionState(trx, found.interaction.id, choice === 'accept' ? 'approved' : 'rejected');
    await updateGrantState(trx, found.grant.id, choice === 'accept' ? 'approved' : 'rejected', now);
  });
}

/**
 * `GET /interact/:id/:nonce/finish`: only for the browser that started the interaction, and only once. Sends the
 * user back to the client: with `hash` and `interact_ref` when approved, `result=grant_rejected` when rejected,
 * `result=grant_invalid` when the interaction is undecided, expired or its grant was cancelled.
 */
export async function finishInteraction(
  deps: InteractionDeps,
  id: string,
  nonce: string,
  sessionToken: string | undefined,
): Promise<FinishResult> {
  if (sessionToken === undefined) throw new GnapError(401, 'invalid_request', 'no interaction session');
  return deps.knex.transaction(async (trx) => {
    const found = await findInteraction(trx, id, nonce, { sessionHash: hashToken(sessionToken), forUpdate: true });
    if (found === undefined) throw unknownInteraction();
    if (found.sessionMatches !== true) throw new GnapError(401, 'invalid_request', 'invalid interaction session');
    await setInteractionSession(trx, found.interaction.id, null);
    const { grant, interaction } = found;
    const approved = interaction.state === 'approved' && grant.state === 'approved';
    if (grant.finishUri === null || grant.clientNonce === null) return { kind: 'done', approved };
    if (approved) {
      const hash = finishHash(grant.clientNonce, interaction.nonce, interaction.ref, deps.settings.grantEndpointUrl);
      return { kind: 'redirect', url: clientRedirect(grant, { hash, interact_ref: interaction.ref }) };
    }
    const rejected = interaction.state === 'rejected' && grant.state === 'rejected';
    return { kind: 'redirect', url: clientRedirect(grant, { result: rejected ? 'grant_rejected' : 'grant_invalid' }) };
  });
}

/** Rafiki's IdP API `GET /grant/:id/:nonce` body, plus the client's name and wallet address for display. */
export interface InteractionDetails {
  grantId: string;
  access: AccessItem[];
  subject?: SubjectRequest;
  state: 'PENDING' | 'APPROVED' | 'DENIED';
  client: { name: string; uri: string };
}

export async function interactionDetails(
  deps: InteractionDeps,
  id: string,
  nonce: string,
): Promise<InteractionDetails> {
  const found = await findInteraction(deps.knex, id, nonce);
  if (found === undefined || found.grant.state === 'revoked') throw unknownInteraction();
  return describeForIdp(found);
}

export function describeForIdp({ grant, interaction }: InteractionWithGrant): InteractionDetails {
  const states = { pending: 'PENDING', approved: 'APPROVED', rejected: 'DENIED' } as const;
  const details: InteractionDetails = {
    grantId: grant.id,
    access: grant.access,
    state: states[interaction.state],
    client: { name: grant.clientName ?? '', uri: grant.clientWalletAddress ?? '' },
  };
  if (grant.subject !== null) details.subject = grant.subject;
  return details;
}
