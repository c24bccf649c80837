import {
  createAuthenticatedClient,
  isFinalizedGrantWithAccessToken,
  type AuthenticatedClient,
} from '@interledger/open-payments';
import type { TestWallet } from './client-wallets';

/** The official Open Payments client, signing as `wallet`, validating every response against its bundled OpenAPI. */
export function sdkClientFor(wallet: TestWallet): Promise<AuthenticatedClient> {
  return createAuthenticatedClient({
    walletAddressUrl: wallet.url,
    privateKey: wallet.signingKey.privateKey,
    keyId: wallet.signingKey.keyId,
    validateResponses: true,
  });
}

/** A non-interactive grant (incoming-payment read on `identifier`) from the auth server at `grantUrl`, with its token. */
export async function readGrant(client: AuthenticatedClient, grantUrl: string, identifier: string) {
  const grant = await client.grant.request(
    { url: grantUrl },
    { access_token: { access: [{ type: 'incoming-payment', actions: ['read'], identifier }] } },
  );
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token');
  return grant;
}
