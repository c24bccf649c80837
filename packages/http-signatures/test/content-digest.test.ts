import { createContentDigest, verifyContentDigest } from '@sluice/http-signatures';
import { expectCode } from './fixtures';

// RFC 9530 §2 / RFC 9421 Appendix B example content and its published digests.
const BODY = '{"hello": "world"}';
const SHA_512 = 'WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==';
const SHA_256 = 'X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=';

describe('createContentDigest', () => {
  it('produces the RFC 9530 sha-512 value', () => {
    expect(createContentDigest(BODY)).toBe(`sha-512=:${SHA_512}:`);
    expect(createContentDigest(Buffer.from(BODY))).toBe(`sha-512=:${SHA_512}:`);
  });

  it('hashes strings as UTF-8', () => {
    expect(createContentDigest('€')).toBe(createContentDigest(Buffer.from([0xe2, 0x82, 0xac])));
  });
});

describe('verifyContentDigest', () => {
  it.each([
    ['sha-512', `sha-512=:${SHA_512}:`],
    ['sha-256', `sha-256=:${SHA_256}:`],
    ['both', `sha-256=:${SHA_256}:, sha-512=:${SHA_512}:`],
    ['an accepted one beside a deprecated one', `md5=:AAAA:, sha-256=:${SHA_256}:`],
    ['an accepted one beside an unknown one', `sha-3000=:AAAA:, sha-512=:${SHA_512}:`],
  ])('accepts %s', (_, header) => {
    expect(() => verifyContentDigest(header, BODY)).not.toThrow();
    expect(() => verifyContentDigest(header, Buffer.from(BODY))).not.toThrow();
  });

  it('refuses a digest of other content, down to one byte', async () => {
    await expectCode(() => verifyContentDigest(`sha-512=:${SHA_512}:`, '{"hello": "World"}'), 'digest_mismatch');
    await expectCode(() => verifyContentDigest(`sha-512=:${SHA_512}:`, `${BODY} `), 'digest_mismatch');
    await expectCode(() => verifyContentDigest(`sha-512=:${SHA_512}:`, ''), 'digest_mismatch');
  });

  it('refuses when any accepted algorithm disagrees, even if another matches', async () => {
    const wrong256 = Buffer.alloc(32).toString('base64');
    await expectCode(() => verifyContentDigest(`sha-256=:${wrong256}:, sha-512=:${SHA_512}:`, BODY), 'digest_mismatch');
  });

  it('refuses a truncated digest', async () => {
    const truncated = Buffer.from(SHA_512, 'base64').subarray(0, 32).toString('base64');
    await expectCode(() => verifyContentDigest(`sha-512=:${truncated}:`, BODY), 'digest_mismatch');
  });

  it('refuses digests made only of deprecated or unknown algorithms', async () => {
    await expectCode(() => verifyContentDigest('md5=:X48E9qOokqqrvdts8nOJRJ==:', BODY), 'unsupported_digest');
    await expectCode(() => verifyContentDigest('SHA-512=:AAAA:', BODY), 'malformed_digest');
    await expectCode(() => verifyContentDigest('sha-384=:AAAA:', BODY), 'unsupported_digest');
  });

  it('refuses missing and malformed headers', async () => {
    await expectCode(() => verifyContentDigest(undefined, BODY), 'missing_digest');
    await expectCode(() => verifyContentDigest('  ', BODY), 'missing_digest');
    await expectCode(() => verifyContentDigest(`sha-512=${SHA_512}`, BODY), 'malformed_digest');
    await expectCode(() => verifyContentDigest(`sha-512="${SHA_512}"`, BODY), 'malformed_digest');
    await expectCode(() => verifyContentDigest(`sha-512=:${SHA_512}`, BODY), 'malformed_digest');
  });
});
