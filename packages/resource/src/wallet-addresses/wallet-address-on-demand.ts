// Wallet addresses on demand, as Rafiki does them: a request for a wallet address that does not exist tells the
// operator (a wallet_address.not_found event carrying the URL) and waits a moment for it to be created, so that an
// operator who creates addresses when first asked for can answer that first request already.
import type { Knex } from 'knex';
import { recordWebhookEvent } from '../webhooks/webhook-events';
import type { WalletAddress, WalletAddressService } from './wallet-address-service';

export interface WalletAddressOnDemandDeps {
  knex: Knex;
  walletAddresses: Pick<WalletAddressService, 'getByUrl' | 'canExistAt'>;
  /** How long a request waits for the operator (Rafiki's WALLET_ADDRESS_LOOKUP_TIMEOUT_MS); 0: not at all. */
  timeoutMs: number;
  /** How often it looks meanwhile (Rafiki's WALLET_ADDRESS_POLLING_FREQUENCY_MS). */
  pollIntervalMs: number;
  /**
   * URLs waited for at once at most (default 256). Past it a missing address is a plain 404 and is not announced: a
   * flood of made-up URLs can neither hold requests open nor fill the outbox without bound.
   */
  maxWaiting?: number;
}

/**
 * Returns `lookUp(url)` for a wallet address URL that was just found missing: records the event, then resolves with
 * the wallet address once it exists, or undefined when the wait ends. Requests for one URL while it is being waited
 * for share the wait and its one event. A URL where no wallet address could ever be created is not announced, nor
 * one that arrives while `maxWaiting` others are being waited for.
 */
export function createWalletAddressOnDemand(
  deps: WalletAddressOnDemandDeps,
): (url: string) => Promise<WalletAddress | undefined> {
  const waiting = new Map<string, Promise<WalletAddress | undefined>>();
  const maxWaiting = deps.maxWaiting ?? 256;

  async function announceAndWait(url: string): Promise<WalletAddress | undefined> {
    await recordWebhookEvent(deps.knex, 'wallet_address.not_found', { walletAddressUrl: url });
    const deadline = Date.now() + deps.timeoutMs;
    for (let left = deps.timeoutMs; left > 0; left = deadline - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(deps.pollIntervalMs, left)));
      const created = await deps.walletAddresses.getByUrl(url);
      if (created) return created;
    }
    return undefined;
  }

  return (url) => {
    if (!deps.walletAddresses.canExistAt(url)) return Promise.resolve(undefined);
    let lookup = waiting.get(url);
    if (!lookup) {
      if (waiting.size >= maxWaiting) return Promise.resolve(undefined);
      lookup = announceAndWait(url).finally(() => waiting.delete(url));
      waiting.set(url, lookup);
    }
    return lookup;
  };
}
