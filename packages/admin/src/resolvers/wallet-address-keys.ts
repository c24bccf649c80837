// Client keys of wallet addresses, through the resource server's key service (published in <url>/jwks.json).
import { notFound, isUuid } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { walletAddressKeyView } from '../graphql/views';
import { translated } from '../service-errors';

export const walletAddressKeyResolvers: ResolverMap = {
  Mutation: {
    createWalletAddressKey: field<
      unknown,
      { input: { walletAddressId: string; jwk: { kid: string; x: string; alg: string; kty: string; crv: string } } }
    >(async (_source, { input }, context) => {
      if (!isUuid(input.walletAddressId)) throw notFound('unknown wallet address');
      const key = await translated(() => context.resource.keys.add(input.walletAddressId, { ...input.jwk }));
      return { walletAddressKey: walletAddressKeyView(key) };
    }),

    revokeWalletAddressKey: field<unknown, { input: { id: string } }>(async (_source, { input }, context) => {
      if (!isUuid(input.id)) throw notFound('Wallet address key not found');
      const key = await translated(() => context.resource.keys.revoke(input.id));
      return { walletAddressKey: walletAddressKeyView(key) };
    }),
  },
};
