import type { AccessItem } from './types';

/**
 * Which access needs the resource owner's consent. Defaults follow Rafiki: incoming payments and quotes are granted at
 * once; outgoing payments always need interaction, and so does listing every incoming payment of a wallet address
 * (list-all). Reading one incoming payment (read-all) does not: a paying wallet's backend, Rafiki's included, asks for
 * `incoming-payment: read-all` without an identifier and without interaction to learn the payment's STREAM details
 * from the payee's server, and an incoming payment URL is meant to be handed to payers anyway.
 */
export interface InteractionPolicy {
  incomingPayment: boolean;
  quote: boolean;
  readAll: boolean;
  listAll: boolean;
}

export const DEFAULT_INTERACTION_POLICY: InteractionPolicy = {
  incomingPayment: false,
  quote: false,
  readAll: false,
  listAll: true,
};

export function needsInteraction(item: AccessItem, policy: InteractionPolicy): boolean {
  switch (item.type) {
    case 'outgoing-payment':
      return true;
    case 'incoming-payment':
      return (
        policy.incomingPayment ||
        (policy.readAll && item.actions.includes('read-all')) ||
        (policy.listAll && item.actions.includes('list-all'))
      );
    case 'quote':
      // A quote item carries no identifier (auth-server.yaml), so there is no wallet address whose owner could be
      // asked about read-all; quotes hold no funds and expire within minutes. Only the explicit policy applies.
      return policy.quote;
  }
}
