import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  exportPrivateKeyPem,
  exportPublicJwk,
  generateEd25519Key,
  importPublicJwk,
  isEd25519Jwk,
  loadPrivateKeyPem,
} from '@sluice/http-signatures';
import { expectCode } from './fixtures';

const { signingKey, publicJwk } = generateEd25519Key('key-2024-01');

describe('generateEd25519Key / exportPublicJwk', () => {
  it('returns a private key and the matching public JWK in the Open Payments shape', () => {
    expect(signingKey.keyId).toBe('key-2024-01');
    expect(signingKey.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(signingKey.privateKey.type).toBe('private');
    expect(Object.keys(publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'x']);
    expect(publicJwk).toMatchObject({ kid: 'key-2024-01', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' });
    expect(publicJwk.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isEd25519Jwk(publicJwk)).toBe(true);
  });

  it('exports the same JWK from the private or the public key', () => {
    expect(exportPublicJwk(createPublicKey(signingKey.privateKey), 'key-2024-01')).toEqual(publicJwk);
  });

  it('refuses unusable key ids and non-Ed25519 keys', async () => {
    await expectCode(() => generateEd25519Key(''), 'invalid_key');
    await expectCode(() => generateEd25519Key(' '), 'invalid_key');
    await expectCode(() => generateEd25519Key('ключ'), 'invalid_key');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    await expectCode(() => exportPublicJwk(ec, 'k'), 'invalid_key');
  });
});

describe('importPublicJwk', () => {
  it('round-trips: what the private key signs, the imported JWK verifies', () => {
    const message = Buffer.from('signature base');
    const publicKey = importPublicJwk(JSON.parse(JSON.stringify(publicJwk)));
    expect(verify(null, message, publicKey, sign(null, message, signingKey.privateKey))).toBe(true);
    expect(exportPublicJwk(publicKey, publicJwk.kid)).toEqual(publicJwk);
  });

  it('accepts a JWK without kid or alg, with use "sig", or with the RFC 9864 alg "Ed25519"', () => {
    const { x } = publicJwk;
    expect(() => importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x })).not.toThrow();
    expect(() => importPublicJwk({ ...publicJwk, use: 'sig' })).not.toThrow();
    expect(() => importPublicJwk({ ...publicJwk, alg: 'Ed25519' })).not.toThrow();
  });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
  const privateJwk = signingKey.privateKey.export({ format: 'jwk' });
  it.each([
    ['an RSA key', { ...rsa, kid: 'k', alg: 'RS256' }],
    ['a P-256 key', { ...p256, kid: 'k', alg: 'ES256' }],
    ['an X25519 key', { ...x25519, kid: 'k', alg: 'EdDSA' }],
    ['an Ed448 key', { ...ed448, kid: 'k', alg: 'EdDSA' }],
    ['an Ed25519 key with alg RS256', { ...publicJwk, alg: 'RS256' }],
    ['an Ed25519 key for encryption', { ...publicJwk, use: 'enc' }],
    ['a private JWK', { ...privateJwk, kid: 'k', alg: 'EdDSA' }],
    ['x of the wrong length', { ...publicJwk, x: publicJwk.x.slice(0, 42) }],
    ['x in standard base64', { ...publicJwk, x: `${Buffer.from(publicJwk.x, 'base64url').toString('base64')}` }],
    ['x missing', { ...publicJwk, x: undefined }],
    ['a string', JSON.stringify(publicJwk)],
    ['null', null],
  ])('refuses %s', async (_, jwk) => {
    await expectCode(() => importPublicJwk(jwk), 'invalid_key');
  });
});

describe('isEd25519Jwk', () => {
  it.each([
    ['no kid', { ...publicJwk, kid: undefined }],
    ['an empty kid', { ...publicJwk, kid: '' }],
    ['no alg', { ...publicJwk, alg: undefined }],
    ['alg "Ed25519" (Open Payments still specifies EdDSA)', { ...publicJwk, alg: 'Ed25519' }],
    ['kty EC', { ...publicJwk, kty: 'EC' }],
    ['crv X25519', { ...publicJwk, crv: 'X25519' }],
    ['a short x', { ...publicJwk, x: 'abc' }],
    ['use "enc"', { ...publicJwk, use: 'enc' }],
    ['a private part', { ...publicJwk, d: 'secret' }],
    ['an array', [publicJwk]],
    ['undefined', undefined],
  ])('is false for %s', (_, value) => {
    expect(isEd25519Jwk(value)).toBe(false);
  });

  it('allows use "sig" and extra members', () => {
    expect(isEd25519Jwk({ ...publicJwk, use: 'sig', key_ops: ['verify'] })).toBe(true);
  });
});

describe('PEM', () => {
  it('round-trips a private key through PKCS#8 PEM', () => {
    const pem = exportPrivateKeyPem(signingKey.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const loaded = loadPrivateKeyPem(pem);
    expect(exportPublicJwk(loaded, publicJwk.kid)).toEqual(publicJwk);
    expect(exportPublicJwk(loadPrivateKeyPem(Buffer.from(pem)), publicJwk.kid)).toEqual(publicJwk);
  });

  it('loads a PEM that was base64-encoded whole, as keys in environment variables are', () => {
    const base64 = Buffer.from(exportPrivateKeyPem(signingKey.privateKey)).toString('base64');
    expect(exportPublicJwk(loadPrivateKeyPem(base64), publicJwk.kid)).toEqual(publicJwk);
  });

  it('refuses other key types, public keys and garbage', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expectCode(() => loadPrivateKeyPem(rsa.export({ format: 'pem', type: 'pkcs8' })), 'invalid_key');
    const publicPem = createPublicKey(signingKey.privateKey).export({ format: 'pem', type: 'spki' });
    await expectCode(() => loadPrivateKeyPem(publicPem), 'invalid_key');
    await expectCode(() => loadPrivateKeyPem('not a key'), 'invalid_key');
    await expectCode(() => exportPrivateKeyPem(createPublicKey(signingKey.privateKey)), 'invalid_key');
  });
});
