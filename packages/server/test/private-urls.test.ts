// With ALLOW_PRIVATE_URLS=false (the production default), URLs that clients choose never lead the server into a
// private network: not a grant request's client wallet address on another server (whose keys the auth server would
// fetch), not a quote's receiver on "another server". Everything here is on loopback, so each such URL is refused
// before any request — while the server's own wallet addresses, wherever its own name resolves, still work.
import { isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import { createAccount, startTestSluice, type TestAccount } from '../../../test-support';

describe('URLs clients choose, with private networks refused', () => {
  let sluice: SluiceInstance;
  let elsewhere: SluiceInstance;
  let alice: TestAccount;
  let carol: TestAccount;

  beforeAll(async () => {
    [sluice, elsewhere] = await Promise.all([
      startTestSluice({ ALLOW_PRIVATE_URLS: 'false' }),
      startTestSluice({ ILP_ADDRESS: 'test.elsewhere' }),
    ]);
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 1_000n });
    // A client whose wallet address (and keys) are on another server, here on loopback.
    carol = await createAccount(elsewhere, { path: '/carol', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => Promise.all([sluice.stop(), elsewhere.stop()]));

  const requestQuoteGrant = (client: AuthenticatedClient) =>
    client.grant
      .request(
        { url: sluice.publicUrls.authServer },
        { access_token: { access: [{ type: 'quote', actions: ['create'] }] } },
      )
      .then((grant) => !isPendingGrant(grant));

  it("refuses a grant request whose client wallet address is on a private network, and takes its own clients'", async () => {
    await expect(requestQuoteGrant(carol.client)).rejects.toMatchObject({ status: 400 });
    await expect(requestQuoteGrant(alice.client)).resolves.toBe(true);
  });

  it('refuses a receiver on a private network, saying why, and still pays its own wallet addresses', async () => {
    const quotes = sluice.services.resource!.quotes!;
    await expect(
      quotes.create({ walletAddress: alice.walletAddress, receiver: carol.walletAddress.url }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'invalid_receiver',
      message: expect.stringContaining('private network'),
    });
    const bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    const quote = await quotes.create({
      walletAddress: alice.walletAddress,
      receiver: bob.walletAddress.url,
      receiveAmount: { value: '100', assetCode: 'USD', assetScale: 2 },
    });
    expect(quote.receiveAmount.value).toBe(100n);
  });
});
