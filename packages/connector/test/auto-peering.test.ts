// The answering side of auto-peering over the real services and database: what a request creates, and the bound on
// how many peers requests can create (the wire format and the two-node flow are in packages/server's test).
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createAssetService, createAutoPeering, createPeerService, PeeringRefusal } from '../src';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const request = (staticIlpAddress: string) => ({
  staticIlpAddress,
  ilpConnectorAddress: 'https://peer.example/ilp',
  asset: { code: 'USD', scale: 2 },
  httpToken: randomUUID(),
});

test('creates a peer without credit, then refuses once the node has its maximum of peers', async () => {
  const assets = createAssetService({ knex: db.knex });
  const peers = createPeerService({ knex: db.knex });
  await assets.createAsset({ code: 'USD', scale: 2 });
  const autoPeering = createAutoPeering({
    assets,
    peers,
    ilpAddress: 'test.node',
    ilpConnectorUrl: 'https://node.example/ilp',
    instanceName: 'Node',
    maxPeers: 2,
  });
  const details = await autoPeering.acceptPeering({ ...request('test.one'), maxPacketAmount: 50, name: 'One' });
  expect(details).toEqual({
    staticIlpAddress: 'test.node',
    ilpConnectorAddress: 'https://node.example/ilp',
    httpToken: expect.any(String),
    name: 'Node',
  });
  const [created] = await peers.listAllPeers();
  expect(created).toMatchObject({
    staticIlpAddress: 'test.one',
    name: 'One',
    creditLimit: 0n,
    maxPacketAmount: 50n,
    http: { outgoing: { authToken: details.httpToken, endpoint: 'https://peer.example/ilp' } },
  });
  await autoPeering.acceptPeering(request('test.two'));
  const refusal = autoPeering.acceptPeering(request('test.three'));
  await expect(refusal).rejects.toBeInstanceOf(PeeringRefusal);
  await expect(refusal).rejects.toMatchObject({ status: 409, type: 'TooManyPeers' });
  expect(await peers.listAllPeers()).toHaveLength(2);
});
