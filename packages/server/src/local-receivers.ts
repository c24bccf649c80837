// Routes each active wallet address's ILP address (`<ILP_ADDRESS>.<segment>`) to the embedded STREAM receiver, with
// the money credited to that wallet address's ledger account — or, for money paid over SPSP when the operator funds
// payments by webhook, to its Web Monetization account, which the operator withdraws as Rafiki's wallet address
// account. Wallet addresses created in this process are routed at once; a periodic sync picks up those created or
// deactivated by other processes on the same database.
import type { Knex } from 'knex';
import type { Connector, LocalReceiverHandler } from '@sluice/connector';
import { connectionKindAt, type LocalStreamReceiver, type WalletAddress } from '@sluice/resource';
import type { Logger } from './logger';
import type { WalletAccountIds } from './payment-ledger';

export function createLocalReceiverRoutes(deps: {
  knex: Knex;
  logger: Logger;
  connector: Connector;
  receiver: LocalStreamReceiver;
  walletAccounts: WalletAccountIds;
  /** Where SPSP money goes: given (webhook funding), a wallet address's web_monetization accounts. */
  webMonetizationAccounts?: WalletAccountIds;
  syncIntervalMs?: number;
}) {
  const { knex, connector, walletAccounts, webMonetizationAccounts } = deps;
  const registered = new Map<string, { unregister: () => void; walletAddressId: string }>();
  let timer: NodeJS.Timeout | undefined;

  const handler: LocalReceiverHandler = (prepare, source) => deps.receiver.handlePrepare(prepare, source.settlement);

  function route(walletAddressId: string, assetId: string, segment: string): void {
    if (registered.has(segment)) return;
    const address = `${connector.ilpAddress}.${segment}`;
    const unregister = connector.registerLocalReceiver(
      segment,
      handler,
      (destination) =>
        (webMonetizationAccounts && connectionKindAt(address, destination) === 'spsp'
          ? webMonetizationAccounts
          : walletAccounts
        ).get(knex, walletAddressId, assetId),
      { settles: true },
    );
    registered.set(segment, { unregister, walletAddressId });
  }

  function unroute(segment: string): void {
    registered.get(segment)?.unregister();
    registered.delete(segment);
  }

  async function sync(): Promise<void> {
    const rows = (await knex('wallet_addresses').where('status', 'active').select('id', 'asset_id', 'ilp_segment')) as {
      id: string;
      asset_id: string;
      ilp_segment: string;
    }[];
    const active = new Set(rows.map((row) => row.ilp_segment));
    for (const row of rows) route(row.id, row.asset_id, row.ilp_segment);
    for (const segment of [...registered.keys()]) if (!active.has(segment)) unroute(segment);
  }

  return {
    sync,
    /** Called when this process creates or changes a wallet address. */
    changed(walletAddress: WalletAddress): void {
      const segment = walletAddress.ilpAddress.slice(connector.ilpAddress.length + 1);
      if (walletAddress.status === 'active') route(walletAddress.id, walletAddress.assetId, segment);
      else unroute(segment);
    },
    async start(): Promise<void> {
      await sync();
      const tick = () => {
        sync()
          .catch((error: unknown) => deps.logger.warn({ err: error }, 'local receiver sync failed'))
          .finally(() => {
            timer = setTimeout(tick, deps.syncIntervalMs ?? 5_000);
            timer.unref();
          });
      };
      timer = setTimeout(tick, deps.syncIntervalMs ?? 5_000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      for (const segment of [...registered.keys()]) unroute(segment);
    },
  };
}
