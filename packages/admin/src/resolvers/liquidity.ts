// Liquidity of assets and peers, through the connector port. Checks and messages follow Rafiki's liquidity
// resolvers: a zero amount is FORBIDDEN, a transfer id that is not a UUID is BAD_USER_INPUT, unknown accounts are
// NOT_FOUND; the rest comes from the ledger's typed errors.
import { AdminError, ErrorCode, badInput, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { translated } from '../service-errors';

const SUCCESS = { success: true };

function checkTransfer(input: { id: string; amount: bigint }): void {
  if (input.amount === 0n) throw new AdminError(ErrorCode.Forbidden, 'Transfer amount is zero');
  if (!isUuid(input.id)) throw badInput('Invalid transfer id');
}

function checkId(id: string, what: 'asset' | 'peer' | 'transfer' | 'wallet address'): void {
  if (!isUuid(id)) throw notFound(`Unknown ${what}`);
}

interface Movement {
  id: string;
  amount: bigint;
}

export const liquidityResolvers: ResolverMap = {
  Mutation: {
    depositAssetLiquidity: field<unknown, { input: Movement & { assetId: string } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkTransfer(input);
        checkId(input.assetId, 'asset');
        await translated(() =>
          connector.depositAssetLiquidity({ id: input.id, assetId: input.assetId, amount: input.amount }),
        );
        return SUCCESS;
      },
    ),

    createAssetLiquidityWithdrawal: field<unknown, { input: Movement & { assetId: string; timeoutSeconds: bigint } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkTransfer(input);
        checkId(input.assetId, 'asset');
        await translated(() =>
          connector.createAssetLiquidityWithdrawal({
            id: input.id,
            assetId: input.assetId,
            amount: input.amount,
            timeoutSeconds: input.timeoutSeconds,
          }),
        );
        return SUCCESS;
      },
    ),

    depositPeerLiquidity: field<unknown, { input: Movement & { peerId: string } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkTransfer(input);
        checkId(input.peerId, 'peer');
        await translated(() =>
          connector.depositPeerLiquidity({ id: input.id, peerId: input.peerId, amount: input.amount }),
        );
        return SUCCESS;
      },
    ),

    depositWalletAddressLiquidity: field<unknown, { input: Movement & { walletAddressId: string } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkTransfer(input);
        checkId(input.walletAddressId, 'wallet address');
        await translated(() =>
          connector.depositWalletAddressLiquidity({
            id: input.id,
            walletAddressId: input.walletAddressId,
            amount: input.amount,
          }),
        );
        return SUCCESS;
      },
    ),

    createPeerLiquidityWithdrawal: field<unknown, { input: Movement & { peerId: string; timeoutSeconds: bigint } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkTransfer(input);
        checkId(input.peerId, 'peer');
        await translated(() =>
          connector.createPeerLiquidityWithdrawal({
            id: input.id,
            peerId: input.peerId,
            amount: input.amount,
            timeoutSeconds: input.timeoutSeconds,
          }),
        );
        return SUCCESS;
      },
    ),

    postLiquidityWithdrawal: field<unknown, { input: { withdrawalId: string } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkId(input.withdrawalId, 'transfer');
        await translated(() => connector.postLiquidityWithdrawal(input.withdrawalId));
        return SUCCESS;
      },
    ),

    voidLiquidityWithdrawal: field<unknown, { input: { withdrawalId: string } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        checkId(input.withdrawalId, 'transfer');
        await translated(() => connector.voidLiquidityWithdrawal(input.withdrawalId));
        return SUCCESS;
      },
    ),
  },
};
