import { refuseDestination } from '../src/routing/address-rules';
import { RoutingTable } from '../src/routing/routing-table';

describe('RoutingTable', () => {
  const table = new RoutingTable<string>();
  table.set('test.bob', 'bob');
  table.set('test.bob.child', 'child');
  table.set('test.alice', 'alice');
  table.set('test', 'default');

  test.each([
    ['test.bob', 'bob'],
    ['test.bob.x.y', 'bob'],
    ['test.bob.child', 'child'],
    ['test.bob.child.z', 'child'],
    ['test.alice.1', 'alice'],
    ['test.bobby', 'default'],
    ['test.carol', 'default'],
  ])('%s → %s (longest prefix on whole segments)', (destination, target) => {
    expect(table.lookup(destination)?.target).toBe(target);
  });

  test('no match', () => {
    const small = new RoutingTable<string>();
    small.set('test.bob', 'bob');
    expect(small.lookup('test.bobby')).toBeUndefined();
    expect(small.lookup('g.bob')).toBeUndefined();
    expect(small.lookup('test')).toBeUndefined();
  });

  test('delete', () => {
    const small = new RoutingTable<string>();
    small.set('test.bob', 'bob');
    expect(small.delete('test.bob')).toBe(true);
    expect(small.lookup('test.bob')).toBeUndefined();
    expect(small.size).toBe(0);
  });
});

describe('refuseDestination', () => {
  test.each([
    ['peer.route.update', 'test.me'],
    ['example.alice', 'test.me'],
    ['g.alice', 'test.me'],
    ['test.alice', 'g.me'],
    ['test3.alice', 'g.me'],
    ['not-an-address', 'test.me'],
  ])('%s on %s is refused', (destination, own) => {
    expect(refuseDestination(destination, own)).toBeDefined();
  });

  test.each([
    ['test.alice', 'test.me'],
    ['test2.alice', 'test.me'],
    ['g.alice', 'g.me'],
    ['private.alice', 'g.me'],
    ['local.alice', 'test.me'],
  ])('%s on %s may be routed', (destination, own) => {
    expect(refuseDestination(destination, own)).toBeUndefined();
  });
});
