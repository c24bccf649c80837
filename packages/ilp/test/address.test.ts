import { ilpAddressScheme, isValidIlpAddress } from '@sluice/ilp';

describe('ILP addresses', () => {
  it.each([
    'g.a',
    'g.us.nexus.bob',
    'test.x',
    'test1.x',
    'test2.x',
    'test3.x',
    'private.a.b',
    'example.alice',
    'peer.config',
    'peer.route.control',
    'self.x',
    'local.x',
    'g.AZaz09_~-',
    'test.sluice.alice.dGhpcyBpcyBhIHRva2Vu',
    'g.' + 'a'.repeat(1021), // 1023 characters
    'g.' + 'a.'.repeat(510) + 'a', // 1023 characters, many segments
  ])('accepts %s', (address) => {
    expect(isValidIlpAddress(address)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['a scheme alone', 'g'],
    ['a trailing dot', 'g.'],
    ['a trailing dot after segments', 'g.a.'],
    ['a leading dot', '.g.a'],
    ['an empty segment', 'g..a'],
    ['an unknown scheme', 'x.a'],
    ['test4', 'test4.a'],
    ['tests', 'tests.a'],
    ['an upper-case scheme', 'G.a'],
    ['a space', 'g.a b'],
    ['a slash', 'g.a/b'],
    ['a non-ASCII letter', 'g.é'],
    ['a newline at the end', 'g.a\n'],
    ['1024 characters', 'g.' + 'a'.repeat(1022)],
  ])('rejects %s', (_, address) => {
    expect(isValidIlpAddress(address)).toBe(false);
  });

  it('rejects values that are not strings', () => {
    expect(isValidIlpAddress(undefined as unknown as string)).toBe(false);
    expect(isValidIlpAddress(42 as unknown as string)).toBe(false);
  });

  it('names the scheme of valid addresses only', () => {
    expect(ilpAddressScheme('test1.alice')).toBe('test1');
    expect(ilpAddressScheme('peer.config')).toBe('peer');
    expect(ilpAddressScheme('g.us.nexus')).toBe('g');
    expect(ilpAddressScheme('g')).toBeUndefined();
    expect(ilpAddressScheme('bogus.alice')).toBeUndefined();
  });
});
