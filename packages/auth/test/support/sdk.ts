import { createAuthenticatedClient, type AuthenticatedClient } from '@interledger/open-payments';
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
