// Step 5: routing and IL-DCP.
import { ILDCP_CONDITION, createIldcpRequest, deserializeIldcpResponse, isFulfill } from '@sluice/ilp';
import { createRouteMiddleware, type RouteTarget } from '../src/pipeline/route';
import { RoutingTable } from '../src/routing/routing-table';
import { expectFulfill, expectReject, makePrepare } from './support/packets';
import {
  EUR,
  OWN_ADDRESS,
  USD,
  contextFor,
  fulfillStub,
  localAccount,
  peerAccount,
  peerInfo,
  run,
} from './support/pipeline';

const bob = peerInfo('bob', { staticIlpAddress: 'test.bob', asset: USD });
const bobInEur = peerInfo('bob-eur', { staticIlpAddress: 'test.bob', asset: EUR });
const carol = peerInfo('carol', { staticIlpAddress: 'test.carol' });
const alice = peerInfo('alice', { staticIlpAddress: 'test.node.alice' });

const routes = new RoutingTable<RouteTarget>();
routes.set('test.bob', { kind: 'peers', peers: [bobInEur, bob] });
routes.set('test.carol', { kind: 'peers', peers: [carol] });
routes.set('test.node.alice', { kind: 'peers', peers: [alice] });
routes.set(`${OWN_ADDRESS}.shop`, {
  kind: 'local',
  handler: async () => fulfillStub(),
  settles: false,
  resolveAccount: async (destination) =>
    destination.startsWith(`${OWN_ADDRESS}.shop.known`) ? { accountId: 'shop-account', asset: EUR } : undefined,
});
const middleware = createRouteMiddleware({ ilpAddress: OWN_ADDRESS, routes: () => routes });
const to = (destination: string, source = peerAccount(alice)) =>
  contextFor(makePrepare({ amount: 10n, destination }).prepare, source);

test('longest prefix picks the peer; a link in the sender’s asset is preferred', async () => {
  const ctx = to('test.bob.receiver');
  expect((await run(middleware, ctx)).nextCalled).toBe(true);
  expect(ctx.destination).toMatchObject({ kind: 'peer', accountId: 'bob', asset: USD });
  const fromEur = to('test.bob.receiver', peerAccount(peerInfo('dave', { asset: EUR })));
  await run(middleware, fromEur);
  expect(fromEur.destination).toMatchObject({ kind: 'peer', accountId: 'bob-eur' });
});

test('a local receiver under our address, with the account it resolves', async () => {
  const ctx = to(`${OWN_ADDRESS}.shop.known.token`);
  expect((await run(middleware, ctx)).nextCalled).toBe(true);
  expect(ctx.destination).toMatchObject({ kind: 'local', accountId: 'shop-account', asset: EUR });
});

test.each([
  ['test.nowhere.x', 'no route to destination'],
  [`${OWN_ADDRESS}.nobody`, 'no route to destination'],
  [`${OWN_ADDRESS}.shop.unknown`, 'no receiver at destination'],
  ['g.bob', 'live address on a test node'],
  ['peer.route.control', 'peer protocol not supported'],
])('%s → F02 (%s)', async (destination, message) => {
  const { reply, nextCalled } = await run(middleware, to(destination));
  expect(expectReject(reply, 'F02')).toMatchObject({ message, triggeredBy: OWN_ADDRESS });
  expect(nextCalled).toBe(false);
});

test('never routes back to the sending peer (F02)', async () => {
  const { reply, nextCalled } = await run(middleware, to('test.node.alice.sub', peerAccount(alice)));
  expectReject(reply, 'F02');
  expect(nextCalled).toBe(false);
  // …nor to another link of the same node.
  expectReject((await run(middleware, to('test.bob.x', peerAccount(bobInEur)))).reply, 'F02');
});

test('a local account cannot pay itself through a local receiver', async () => {
  const { reply } = await run(middleware, to(`${OWN_ADDRESS}.shop.known`, localAccount('shop-account', EUR)));
  expectReject(reply, 'F02');
});

describe('IL-DCP (peer.config)', () => {
  test('a peer learns its address and asset; nothing further runs', async () => {
    const { reply, nextCalled } = await run(middleware, contextFor(createIldcpRequest(), peerAccount(alice)));
    expect(nextCalled).toBe(false);
    expect(isFulfill(reply)).toBe(true);
    expect(expectFulfill(reply).fulfillment).toEqual(Buffer.alloc(32));
    expect(deserializeIldcpResponse(expectFulfill(reply).data)).toEqual({
      clientAddress: 'test.node.alice',
      assetCode: 'USD',
      assetScale: 2,
    });
  });

  test('wrong condition or expired → F00 (as ilp-protocol-ildcp)', async () => {
    const wrong = { ...createIldcpRequest(), executionCondition: Buffer.alloc(32, 1) };
    expectReject((await run(middleware, contextFor(wrong, peerAccount(alice)))).reply, 'F00');
    const expired = createIldcpRequest(new Date(Date.now() - 1000));
    expectReject((await run(middleware, contextFor(expired, peerAccount(alice)))).reply, 'F00');
  });

  test('a non-zero amount is refused (F00): the answer would move no money', async () => {
    const paid = { ...createIldcpRequest(), amount: 5n, executionCondition: Buffer.from(ILDCP_CONDITION) };
    expectReject((await run(middleware, contextFor(paid, peerAccount(alice)))).reply, 'F00');
  });

  test('a local account gets no IL-DCP answer (F02)', async () => {
    expectReject((await run(middleware, contextFor(createIldcpRequest(), localAccount('op')))).reply, 'F02');
  });
});
