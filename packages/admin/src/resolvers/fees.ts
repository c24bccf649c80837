// setFee, through the resource server's fee service: the fees its quotes charge. Fees are versioned, so setting
// one adds a version that applies to quotes made from then on.
import type { FeeType } from '@sluice/resource';
import { isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { feeView } from '../graphql/views';
import { translated } from '../service-errors';

export const feeResolvers: ResolverMap = {
  Mutation: {
    setFee: field<unknown, { input: { assetId: string; type: FeeType; fee: { fixed: bigint; basisPoints: number } } }>(
      async (_source, { input }, context) => {
        if (!isUuid(input.assetId)) throw notFound('Unknown asset');
        const fee = await translated(() =>
          context.resource.fees.set({
            assetId: input.assetId,
            type: input.type,
            fixed: input.fee.fixed,
            basisPoints: input.fee.basisPoints,
          }),
        );
        return { fee: feeView(fee) };
      },
    ),
  },
};
