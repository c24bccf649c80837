// Rafiki's `payments`: the incoming and outgoing payments of every wallet address together, newest first by default,
// through the resource server's combined list (one query per page); each payment's liquidity through the connector
// port, read once for the whole page.
import { field, type ResolverMap } from '../graphql/build-schema';
import { readStringFilter, type FilterStringInput } from '../graphql/filters';
import { connection, pageOf, readPageArgs, type PageArgs } from '../graphql/pagination';
import { paymentView, type PaymentView } from '../graphql/views';
import { translated } from '../service-errors';

interface PaymentFilterInput {
  type?: FilterStringInput | null;
  walletAddressId?: FilterStringInput | null;
}

export const paymentResolvers: ResolverMap = {
  Query: {
    payments: field<unknown, PageArgs & { filter?: PaymentFilterInput | null }>(async (_source, args, context) => {
      const window = readPageArgs(args);
      const filter = {
        type: readStringFilter(args.filter?.type),
        walletAddressId: readStringFilter(args.filter?.walletAddressId),
      };
      const page = await pageOf((request) => context.resource.combinedPayments.list(filter, request), window);
      return connection(page, paymentView);
    }),
  },

  Payment: {
    liquidity: field<PaymentView>((payment, _args, context) =>
      translated(() =>
        payment.type === 'OUTGOING'
          ? context.paymentLiquidity.outgoing(payment.id)
          : context.paymentLiquidity.incoming(payment.id, BigInt(payment.receivedAmount ?? '0')),
      ),
    ),
  },
};
