import type { ResourceServer, WalletAddress } from '@sluice/resource';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createTestResourceServer, insertAsset } from './fixtures';

describe('address resolver', () => {
  let db: TestDatabase;
  let resource: ResourceServer;
  let alice: WalletAddress;

  beforeAll(async () => {
    db = await createTestDatabase();
    resource = createTestResourceServer(db.knex);
    alice = await resource.walletAddresses.create({ address: '/alice', assetId: await insertAsset(db.knex) });
  });
  afterAll(() => db.drop());

  it('resolves a payment pointer, a URL, an ILP address and a STREAM address below it to the same wallet address', async () => {
    const credentials = resource.receivers.credentials(alice, { kind: 'spsp' });
    for (const name of [
      '$wallet.example/alice',
      'https://wallet.example/alice',
      'test.sluice.alice',
      credentials.ilpAddress,
    ]) {
      expect(await resource.addresses.resolve(name)).toMatchObject({
        url: 'https://wallet.example/alice',
        paymentPointer: '$wallet.example/alice',
        ilpAddress: 'test.sluice.alice',
      });
    }
  });

  it('resolves unknown names to nothing', async () => {
    for (const name of ['$wallet.example/nobody', 'test.sluice.nobody', 'test.elsewhere.alice', 'not a name', '$']) {
      expect(await resource.addresses.resolve(name)).toBeUndefined();
    }
  });
});
