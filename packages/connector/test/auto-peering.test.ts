// The answering side of auto-peering over the real services and database: what a request creates, and the bound on
// how many peers requests can create (the wire format and the two-node flow are in packages/server's test).
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createAssetService, createAutoPeering, createPeerService, PeeringRefusal, type AutoPeeringDeps } from '../src';

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

/** The answering side of this node (test.node) over the test database; `options` add to its deps. */
function answeringNode(options: Partial<AutoPeeringDeps> = {}) {
  const assets = createAssetService({ knex: db.knex });
  const peers = createPeerService({ knex: db.knex });
  const autoPeering = createAutoPeering({
    assets,
    peers,
    ilpAddress: 'test.node',
    ilpConnectorUrl: 'https://node.example/ilp',
    instanceName: 'Node',
    ...options,
  });
  return { assets, peers, autoPeering };
}

test('creates a peer without credit, then refuses once the node has its maximum of peers', async () => {
  const { assets, peers, autoPeering } = answeringNode({ maxPeers: 2 });
  await assets.createAsset({ code: 'USD', scale: 2 });
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
  // Private networks allowed (no endpoint check): connections to it are not restricted either.
  expect(created.http.outgoing.publicOnly).toBeUndefined();
  await autoPeering.acceptPeering(request('test.two'));
  const refusal = autoPeering.acceptPeering(request('test.three'));
  await expect(refusal).rejects.toBeInstanceOf(PeeringRefusal);
  await expect(refusal).rejects.toMatchObject({ status: 409, type: 'TooManyPeers' });
  expect(await peers.listAllPeers()).toHaveLength(2);
});

test('a peer that asked while private networks are off limits is flagged to be connected to publicly only', async () => {
  const checked: string[] = [];
  const { assets, peers, autoPeering } = answeringNode({
    checkPeerEndpoint: async (url) => void checked.push(url.href),
  });
  await assets.createAsset({ code: 'EUR', scale: 2 });
  await autoPeering.acceptPeering({ ...request('test.public'), asset: { code: 'EUR', scale: 2 } });
  expect(checked).toEqual(['https://peer.example/ilp']);
  const created = (await peers.listAllPeers()).find((peer) => peer.staticIlpAddress === 'test.public')!;
  expect(created.http.outgoing).toMatchObject({ endpoint: 'https://peer.example/ilp', publicOnly: true });
  // The operator moving its endpoint does not lift the restriction.
  const moved = await peers.updatePeer({
    id: created.id,
    http: { outgoing: { authToken: 'new-token', endpoint: 'https://elsewhere.example/ilp' } },
  });
  expect(moved.http.outgoing).toEqual({
    authToken: 'new-token',
    endpoint: 'https://elsewhere.example/ilp',
    publicOnly: true,
  });
});
