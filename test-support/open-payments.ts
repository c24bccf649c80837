// Helpers for end-to-end tests that drive a live Sluice with the official Open Payments client SDK.
import { randomUUID } from 'node:crypto';
import {
  createAuthenticatedClient,
  isFinalizedGrantWithAccessToken,
  type AuthenticatedClient,
  type PendingGrant,
} from '@interledger/open-payments';
import { generateEd25519Key, type SigningKey } from '../packages/http-signatures/src';
import type { WalletAddress } from '../packages/resource/src';
import type { SluiceInstance } from '../packages/server/src/sluice';
import { decideWithIdentityProvider, type InteractionOutcome } from '../packages/server/src/consent-driver';

export interface TestAccount {
  walletAddress: WalletAddress;
  signingKey: SigningKey;
  /** The official SDK, signing as this wallet address, validating every response. */
  client: AuthenticatedClient;
}

/** An asset on the instance (created once per code/scale). */
export async function ensureAsset(sluice: SluiceInstance, code: string, scale: number): Promise<string> {
  const connector = sluice.services.connector!;
  const existing = (await connector.listAssets({ first: 100 })).items.find(
    (asset) => asset.code === code && asset.scale === scale,
  );
  return existing ? existing.id : (await connector.createAsset({ code, scale })).id;
}

/** A wallet address with a registered client key and, in ledger funding mode, `balance` deposited. */
export async function createAccount(
  sluice: SluiceInstance,
  options: { path: string; assetCode: string; assetScale: number; balance?: bigint; publicName?: string },
): Promise<TestAccount> {
  const resource = sluice.services.resource!;
  const assetId = await ensureAsset(sluice, options.assetCode, options.assetScale);
  const walletAddress = await resource.walletAddresses.create({
    address: options.path,
    assetId,
    publicName: options.publicName,
  });
  const { signingKey, publicJwk } = generateEd25519Key(`key-${randomUUID()}`);
  await resource.keys.add(walletAddress.id, publicJwk);
  if (options.balance) {
    const accountId = await sluice.services.walletAddressAccountId!(walletAddress);
    await sluice.services.connector!.deposit({ id: randomUUID(), accountId, amount: options.balance });
  }
  const client = await createAuthenticatedClient({
    walletAddressUrl: walletAddress.url,
    privateKey: signingKey.privateKey,
    keyId: signingKey.keyId,
    validateResponses: true,
  });
  return { walletAddress, signingKey, client };
}

/** Deposits liquidity into an asset's liquidity account (needed for cross-currency packets). */
export async function depositAssetLiquidity(sluice: SluiceInstance, assetId: string, amount: bigint): Promise<void> {
  const connector = sluice.services.connector!;
  const accounts = await connector.getAssetAccountIds(assetId);
  if (!accounts) throw new Error(`no accounts for asset ${assetId}`);
  await connector.deposit({ id: randomUUID(), accountId: accounts.liquidityAccountId, amount });
}

/** Plays the user and the identity provider of an interactive grant (IdP API), as the owner would. */
export function approveInteraction(
  sluice: SluiceInstance,
  grant: PendingGrant,
  options: { accept?: boolean } = {},
): Promise<InteractionOutcome> {
  return decideWithIdentityProvider(grant.interact.redirect, {
    interactionUrl: sluice.urls['auth-interaction'] as string,
    idpSecret: sluice.secrets.idpSecret,
    accept: options.accept,
  });
}

/** Continues an approved interactive grant to its access token (waiting the grant's `wait` first). */
export async function continueGrant(
  client: AuthenticatedClient,
  grant: PendingGrant,
  interactRef: string,
): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, (grant.continue.wait ?? 0) * 1000));
  const continued = await client.grant.continue(
    { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
    { interact_ref: interactRef },
  );
  if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('the grant did not give an access token');
  return continued.access_token.value;
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A non-interactive grant's access token for `access`; throws if the auth server wants interaction. */
export async function grantToken(
  client: AuthenticatedClient,
  authServer: string,
  access: Parameters<AuthenticatedClient['grant']['request']>[1]['access_token'],
): Promise<string> {
  const grant = await client.grant.request({ url: authServer }, { access_token: access });
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token');
  return grant.access_token.value;
}
