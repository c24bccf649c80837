// Rafiki's accountingTransfers for the admin API's connector port: which ledger account an id names, and the ids and
// ledger numbers its movements are shown with.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { AccountTransfer, Ledger } from '@sluice/connector';
import type { ConnectorPort, PortAccountingTransfer } from '@sluice/admin';
import type { WalletAccountKind } from './payment-ledger';

/**
 * The id accountingTransfers shows for a transfer's leg: the transfer's own for its first (every API transfer has
 * one), and a name-based UUID (RFC 9562 version 5 layout) for a packet's second, so every listed movement has its
 * own UUID, as each of Rafiki's does.
 */
function legTransferId(transferId: string, leg: number): string {
  if (leg === 0) return transferId;
  const hash = createHash('sha1').update(`${transferId}/${leg}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TRANSFER_TYPES = {
  deposit: 'DEPOSIT',
  withdrawal: 'WITHDRAWAL',
  transfer: 'TRANSFER',
  packet: 'TRANSFER',
} as const satisfies Record<AccountTransfer['kind'], PortAccountingTransfer['transferType']>;

/**
 * `walletAddressAccount`: the wallet address account an id of a wallet address names (see connectorPortOver). Ids are
 * UUIDs, as everywhere in the port (the admin API checks them first).
 */
export function createAccountingTransferListing(
  knex: Knex,
  ledger: Ledger,
  walletAddressAccount: WalletAccountKind,
): ConnectorPort['listAccountingTransfers'] {
  return async (id, limit) => {
    // Accounts are named as operators know them: a peer's has the peer's id; an asset's liquidity account goes by the
    // asset's id; a wallet address's and an outgoing payment's by their owner's; any other by its own id.
    const ownedKinds = [walletAddressAccount, 'outgoing_payment'];
    const found = await knex.raw(
      `SELECT id FROM ledger_accounts
        WHERE id = CAST(:id AS uuid) OR (kind = 'liquidity' AND asset_id = CAST(:id AS uuid))
           OR (owner_id = :id AND kind = ANY(:ownedKinds))
        ORDER BY CASE WHEN id = CAST(:id AS uuid) THEN 0 WHEN kind = 'liquidity' THEN 1 ELSE 2 END
        LIMIT 1`,
      { id, ownedKinds },
    );
    const accountId = (found.rows as { id: string }[])[0]?.id;
    if (!accountId) return { debits: [], credits: [] };
    const { debits, credits } = await ledger.listAccountTransfers(accountId, limit);
    const accountIds = [...new Set([...debits, ...credits].flatMap((t) => [t.debitAccountId, t.creditAccountId]))];
    const accounts = new Map<string, { publicId: string; ledger: number }>();
    if (accountIds.length > 0) {
      const rows = (await knex('ledger_accounts as account')
        .join('connector_assets as asset', 'asset.id', 'account.asset_id')
        .whereIn('account.id', accountIds)
        .select('account.id', 'account.kind', 'account.asset_id', 'account.owner_id', 'asset.ledger')) as {
        id: string;
        kind: string;
        asset_id: string;
        owner_id: string | null;
        ledger: number;
      }[];
      for (const row of rows) {
        const publicId =
          row.kind === 'liquidity'
            ? row.asset_id
            : row.owner_id !== null && ownedKinds.includes(row.kind)
              ? row.owner_id
              : row.id;
        accounts.set(row.id, { publicId, ledger: Number(row.ledger) });
      }
    }
    const view = (transfer: AccountTransfer): PortAccountingTransfer => {
      const debit = accounts.get(transfer.debitAccountId);
      const credit = accounts.get(transfer.creditAccountId);
      return {
        id: legTransferId(transfer.transferId, transfer.leg),
        debitAccountId: debit?.publicId ?? transfer.debitAccountId,
        creditAccountId: credit?.publicId ?? transfer.creditAccountId,
        amount: transfer.amount,
        ledger: debit?.ledger ?? credit?.ledger ?? 0,
        transferType: TRANSFER_TYPES[transfer.kind],
        state: transfer.state === 'pending' ? 'PENDING' : 'POSTED',
        expiresAt: transfer.expiresAt,
        createdAt: transfer.createdAt,
      };
    };
    return { debits: debits.map(view), credits: credits.map(view) };
  };
}
