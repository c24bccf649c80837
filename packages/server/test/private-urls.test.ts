// With ALLOW_PRIVATE_URLS=false (the production default), URLs that clients choose never lead the server into a
// private network: not a grant request's client wallet address on another server (whose keys the auth server would
// fetch), not a quote's receiver on "another server". Everything here is on loopback, so each such URL is refused
// before any request — while the server's own wallet addresses, wherever its own name resolves, still work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import { IlpErrorCode, serializeIlpReject } from '@sluice/ilp';
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

  it('never connects to a peer that asked to be peered when its name resolves to a private address (DNS rebinding)', async () => {
    // The peer's ILP-over-HTTP endpoint, reached by name: "localhost" is what a public name rebinds to here.
    let received = 0;
    const endpoint: Server = createServer((request, response) => {
      received++;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(
        serializeIlpReject({
          code: IlpErrorCode.F02_UNREACHABLE,
          triggeredBy: 'test.peer',
          message: 'the stand-in peer',
          data: Buffer.alloc(0),
        }),
      );
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `http://localhost:${(endpoint.address() as AddressInfo).port}/ilp`;
    try {
      const connector = sluice.services.connector!;
      const asset = await connector.getAssetByCodeAndScale('USD', 2);
      // One peer as if accepted by auto-peering (its name was public when it asked), one the operator added.
      await connector.createPeer({
        assetId: asset!.id,
        staticIlpAddress: 'test.asked',
        http: {
          incoming: { authTokens: ['asked-in'] },
          outgoing: { authToken: 'out', endpoint: url, publicOnly: true },
        },
      });
      await connector.createPeer({
        assetId: asset!.id,
        staticIlpAddress: 'test.operated',
        http: { incoming: { authTokens: ['operated-in'] }, outgoing: { authToken: 'out', endpoint: url } },
      });
      const source = await sluice.services.walletAddressAccountId!(alice.walletAddress);
      const probe = (destination: string) =>
        connector.sendPrepare(
          source,
          {
            destination,
            amount: 1n,
            executionCondition: Buffer.alloc(32, 7),
            expiresAt: new Date(Date.now() + 5_000),
            data: Buffer.alloc(0),
          },
          { unfulfillable: true },
        );
      expect(await probe('test.asked.bob')).toMatchObject({ code: IlpErrorCode.T01_PEER_UNREACHABLE });
      expect(received).toBe(0);
      expect(await probe('test.operated.bob')).toMatchObject({ code: IlpErrorCode.F02_UNREACHABLE });
      expect(received).toBe(1);
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});
