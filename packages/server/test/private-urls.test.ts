// With ALLOW_PRIVATE_URLS=false (the production default), URLs that clients choose never lead the server into a
// private network: not a grant request's client wallet address (whose keys the auth server would fetch), not a
// quote's receiver on "another server". Here every such URL is on loopback, so each is refused before any request.
import { isPendingGrant } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import { createAccount, startTestSluice, type TestAccount } from '../../../test-support';

describe('URLs clients choose, with private networks refused', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice({ ALLOW_PRIVATE_URLS: 'false' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 1_000n });
  });
  afterAll(() => sluice.stop());

  it('refuses a grant request whose client wallet address is on a private network (its keys are not fetched)', async () => {
    const request = alice.client.grant.request(
      { url: sluice.publicUrls.authServer },
      { access_token: { access: [{ type: 'quote', actions: ['create'] }] } },
    );
    await expect(request.then((grant) => isPendingGrant(grant))).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a receiver on a private network, saying why, without reaching it', async () => {
    await expect(
      sluice.services.resource!.quotes!.create({
        walletAddress: alice.walletAddress,
        receiver: 'http://127.0.0.1:9/incoming-payments/00000000-0000-4000-8000-000000000000',
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_receiver',
      message: expect.stringContaining('private network'),
    });
  });

  it('still pays receivers on its own wallet addresses, which it never fetches', async () => {
    const bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    const quote = await sluice.services.resource!.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: bob.walletAddress.url,
      receiveAmount: { value: '100', assetCode: 'USD', assetScale: 2 },
    });
    expect(quote.receiveAmount.value).toBe(100n);
  });
});
