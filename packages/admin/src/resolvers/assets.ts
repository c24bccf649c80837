// Assets: created, updated and listed through the connector port; their fees come from the resource server's fee
// service (the fees its quotes charge).
import type { FeeType } from '@sluice/resource';
import { isUuid, notFound } from '../errors';
import type { AdminContext } from '../graphql/context';
import { field, type ResolverMap } from '../graphql/build-schema';
import { connection, pageOf, readPageArgs, toPortPagination, type PageArgs } from '../graphql/pagination';
import { assetView, feeView, type AssetView } from '../graphql/views';
import { translated } from '../service-errors';

const ASSET_NOT_FOUND = 'Asset not found';

/** The whole asset behind a view that may have been built from a wallet address (id, code and scale only). */
async function complete(asset: AssetView, context: AdminContext): Promise<AssetView> {
  if (asset.createdAt !== undefined) return asset;
  const loaded = await translated(() => context.loadAsset(asset.id));
  if (!loaded) throw notFound(ASSET_NOT_FOUND);
  return assetView(loaded);
}

const currentFee = (type: FeeType) =>
  field<AssetView>(async (asset, _args, context) => {
    const fee = await context.resource.fees.current(asset.id, type);
    return fee ? feeView(fee) : null;
  });

interface AssetInput {
  withdrawalThreshold?: bigint | null;
  liquidityThreshold?: bigint | null;
}

export const assetResolvers: ResolverMap = {
  Query: {
    asset: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const connector = context.requireConnector();
      const asset = isUuid(id) ? await translated(() => connector.getAsset(id)) : undefined;
      if (!asset) throw notFound(ASSET_NOT_FOUND);
      return assetView(asset);
    }),

    assetByCodeAndScale: field<unknown, { code: string; scale: number }>(async (_source, { code, scale }, context) => {
      const asset = await translated(() => context.requireConnector().getAssetByCodeAndScale(code, scale));
      return asset ? assetView(asset) : null;
    }),

    assets: field<unknown, PageArgs>(async (_source, args, context) => {
      const connector = context.requireConnector();
      const page = await translated(() => connector.listAssets(toPortPagination(readPageArgs(args))));
      return connection(page, assetView);
    }),
  },

  Mutation: {
    createAsset: field<unknown, { input: AssetInput & { code: string; scale: number } }>(
      async (_source, { input }, context) => {
        const connector = context.requireConnector();
        const asset = await translated(() =>
          connector.createAsset({
            code: input.code,
            scale: input.scale,
            withdrawalThreshold: input.withdrawalThreshold,
            liquidityThreshold: input.liquidityThreshold,
          }),
        );
        return { asset: assetView(asset) };
      },
    ),

    updateAsset: field<unknown, { input: AssetInput & { id: string } }>(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.id)) throw notFound(ASSET_NOT_FOUND);
      // Omitted thresholds stay; an explicit null clears one (graphql-js keeps the two apart in `input`).
      const asset = await translated(() =>
        connector.updateAsset({
          id: input.id,
          ...('withdrawalThreshold' in input ? { withdrawalThreshold: input.withdrawalThreshold } : {}),
          ...('liquidityThreshold' in input ? { liquidityThreshold: input.liquidityThreshold } : {}),
        }),
      );
      return { asset: assetView(asset) };
    }),

    deleteAsset: field<unknown, { input: { id: string } }>(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.id)) throw notFound(ASSET_NOT_FOUND);
      const asset = await translated(() => connector.deleteAsset(input.id));
      return { asset: assetView(asset) };
    }),
  },

  Asset: {
    liquidity: field<AssetView>((asset, _args, context) =>
      translated(() => context.requireConnector().getAssetLiquidity(asset.id)),
    ),
    withdrawalThreshold: field<AssetView>(async (asset, _args, context) => {
      return (await complete(asset, context)).withdrawalThreshold;
    }),
    liquidityThreshold: field<AssetView>(async (asset, _args, context) => {
      return (await complete(asset, context)).liquidityThreshold;
    }),
    createdAt: field<AssetView>(async (asset, _args, context) => (await complete(asset, context)).createdAt),
    fees: field<AssetView, PageArgs>(async (asset, args, context) => {
      const window = readPageArgs(args);
      const page = await pageOf((request) => context.resource.fees.list(asset.id, request), window);
      return connection(page, feeView);
    }),
    sendingFee: currentFee('SENDING'),
    receivingFee: currentFee('RECEIVING'),
    tenantId: field((_source, _args, context) => context.tenantId()),
  },
};
