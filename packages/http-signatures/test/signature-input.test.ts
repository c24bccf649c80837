import { createPrivateKey, createPublicKey } from 'node:crypto';
import { verifyRequestSignature, type SignableRequest } from '@sluice/http-signatures';
import { buildSignatureBase } from '../src/signature-base';
import { clientKey, expectCode, handSign, KEY_ID, NOW, TOKEN } from './fixtures';

const URL_ = 'https://rs.example/quotes/1';
const { privateKey } = clientKey.signingKey;
const jwk = clientKey.publicJwk;

/** A GET signed by hand over @method, @target-uri and authorization with the given Signature-Input member. */
function handSigned(paramsText: string, options: { label?: string; inputText?: string } = {}): SignableRequest {
  const label = options.label ?? 'sig1';
  const signature = handSign(
    [
      ['@method', 'GET'],
      ['@target-uri', URL_],
      ['authorization', TOKEN],
    ],
    paramsText,
    privateKey,
  );
  return {
    method: 'GET',
    url: URL_,
    headers: {
      authorization: TOKEN,
      'signature-input': `${label}=${options.inputText ?? paramsText}`,
      signature: `${label}=:${signature}:`,
    },
  };
}

const COVERED = '("@method" "@target-uri" "authorization")';
const PARAMS = `${COVERED};keyid="${KEY_ID}";created=${NOW}`;

describe('Signature-Input parsing', () => {
  it('verifies a hand-made signature base, so our base matches RFC 9421 §2.5 and not just our signer', async () => {
    await expect(verifyRequestSignature(handSigned(PARAMS), jwk, { now: NOW })).resolves.toMatchObject({
      keyId: KEY_ID,
    });
  });

  it('does not depend on parameter order', async () => {
    const reordered = `${COVERED};created=${NOW};keyid="${KEY_ID}"`;
    await expect(verifyRequestSignature(handSigned(reordered), jwk, { now: NOW })).resolves.toBeDefined();
  });

  it('accepts extra parameters it does not use (nonce, tag, unregistered ones)', async () => {
    const extra = `${PARAMS};nonce="n-1";tag="open-payments";x-custom=?1`;
    await expect(verifyRequestSignature(handSigned(extra), jwk, { now: NOW })).resolves.toBeDefined();
  });

  it('verifies over the received text when it is not canonically serialized', async () => {
    // Two spaces between items: valid RFC 8941, but not what a serializer writes.
    const received = `("@method"  "@target-uri" "authorization");keyid="${KEY_ID}";created=${NOW}`;
    await expect(verifyRequestSignature(handSigned(received), jwk, { now: NOW })).resolves.toBeDefined();
  });

  it('verifies over the canonical serialization when the signer signed that but sent other text', async () => {
    const sent = `("@method"  "@target-uri" "authorization");keyid="${KEY_ID}";created=${NOW}`;
    const request = handSigned(PARAMS, { inputText: sent });
    await expect(verifyRequestSignature(request, jwk, { now: NOW })).resolves.toBeDefined();
  });

  it.each([
    ['not a dictionary', 'sig1=("@method"'],
    ['an item, not an inner list', `sig1="@method";keyid="${KEY_ID}";created=${NOW}`],
    ['tokens instead of strings', `sig1=(method target-uri);keyid="${KEY_ID}";created=${NOW}`],
    ['an upper-case field name', `sig1=("@method" "@target-uri" "Authorization");keyid="${KEY_ID}";created=${NOW}`],
    ['a component covered twice', `sig1=("@method" "@target-uri" "@method");keyid="${KEY_ID}";created=${NOW}`],
    ['@signature-params covered', `sig1=("@method" "@signature-params");keyid="${KEY_ID}";created=${NOW}`],
    ['no keyid', `sig1=${COVERED};created=${NOW}`],
    ['a keyid that is a token', `sig1=${COVERED};keyid=k1;created=${NOW}`],
    ['no created', `sig1=${COVERED};keyid="${KEY_ID}"`],
    ['created as a string', `sig1=${COVERED};keyid="${KEY_ID}";created="${NOW}"`],
    ['created as a decimal', `sig1=${COVERED};keyid="${KEY_ID}";created=${NOW}.5`],
    ['created negative', `sig1=${COVERED};keyid="${KEY_ID}";created=-${NOW}`],
    ['created as an RFC 9651 date', `sig1=${COVERED};keyid="${KEY_ID}";created=@${NOW}`],
    ['expires as a string', `sig1=${COVERED};keyid="${KEY_ID}";created=${NOW};expires="x"`],
    ['an unknown derived component', `sig1=("@method" "@target-uri" "@nonsense");keyid="${KEY_ID}";created=${NOW}`],
    [
      'a request-bound component on a request',
      `sig1=("@method" "@target-uri" "authorization";req);keyid="${KEY_ID}";created=${NOW}`,
    ],
  ])('refuses %s', async (_, signatureInput) => {
    const request = handSigned(PARAMS);
    const changed = { ...request, headers: { ...request.headers, 'signature-input': signatureInput } };
    await expectCode(
      verifyRequestSignature(changed, jwk, { now: NOW, requireComponents: false }),
      'malformed_signature_input',
    );
  });

  it('honours expires when the signer set one', async () => {
    const expiring = `${PARAMS};expires=${NOW + 10}`;
    await expect(verifyRequestSignature(handSigned(expiring), jwk, { now: NOW + 10 })).resolves.toBeDefined();
    await expectCode(verifyRequestSignature(handSigned(expiring), jwk, { now: NOW + 11 }), 'signature_expired');
  });
});

describe('Signature header parsing', () => {
  it.each([
    ['not a dictionary', 'sig1=:abc'],
    ['a string, not a byte sequence', 'sig1="c2lnbmF0dXJl"'],
    ['the wrong length for Ed25519', `sig1=:${Buffer.alloc(63).toString('base64')}:`],
  ])('refuses %s', async (_, signature) => {
    const request = handSigned(PARAMS);
    await expectCode(
      verifyRequestSignature({ ...request, headers: { ...request.headers, signature } }, jwk, { now: NOW }),
      'malformed_signature',
    );
  });
});

describe('labels', () => {
  it('verifies sig1 by default, and only sig1', async () => {
    await expectCode(
      verifyRequestSignature(handSigned(PARAMS, { label: 'sig' }), jwk, { now: NOW }),
      'missing_signature',
    );
  });

  it('verifies another label when asked to', async () => {
    const request = handSigned(PARAMS, { label: 'sig-b' });
    await expect(verifyRequestSignature(request, jwk, { now: NOW, label: 'sig-b' })).resolves.toBeDefined();
  });

  it('picks sig1 out of several signatures, whatever the others contain', async () => {
    const request = handSigned(PARAMS);
    const headers = {
      ...request.headers,
      'signature-input': `proxy=("@method");keyid="proxy-key";created=1, ${request.headers['signature-input']}`,
      signature: `${request.headers.signature}, proxy=:${Buffer.alloc(64).toString('base64')}:`,
    };
    await expect(verifyRequestSignature({ ...request, headers }, jwk, { now: NOW })).resolves.toMatchObject({
      keyId: KEY_ID,
    });
  });

  it('refuses a Signature header without the label Signature-Input has', async () => {
    const request = handSigned(PARAMS);
    const signature = String(request.headers.signature).replace('sig1=', 'sig2=');
    await expectCode(
      verifyRequestSignature({ ...request, headers: { ...request.headers, signature } }, jwk, { now: NOW }),
      'missing_signature',
    );
  });
});

describe('algorithms', () => {
  it('accepts an explicit alg="ed25519"', async () => {
    await expect(
      verifyRequestSignature(handSigned(`${PARAMS};alg="ed25519"`), jwk, { now: NOW }),
    ).resolves.toBeDefined();
  });

  it.each(['rsa-pss-sha512', 'ecdsa-p256-sha256', 'hmac-sha256', 'Ed25519', 'eddsa'])(
    'refuses alg="%s"',
    async (alg) => {
      await expectCode(
        verifyRequestSignature(handSigned(`${PARAMS};alg="${alg}"`), jwk, { now: NOW }),
        'unsupported_algorithm',
      );
    },
  );
});

describe('component policy', () => {
  it('requires @method and @target-uri unless told otherwise', async () => {
    const params = `("@method" "authorization");keyid="${KEY_ID}";created=${NOW}`;
    const signature = handSign(
      [
        ['@method', 'GET'],
        ['authorization', TOKEN],
      ],
      params,
      privateKey,
    );
    const request: SignableRequest = {
      method: 'GET',
      url: URL_,
      headers: { authorization: TOKEN, 'signature-input': `sig1=${params}`, signature: `sig1=:${signature}:` },
    };
    await expectCode(verifyRequestSignature(request, jwk, { now: NOW }), 'missing_component');
    await expect(verifyRequestSignature(request, jwk, { now: NOW, requireComponents: false })).resolves.toMatchObject({
      components: ['@method', 'authorization'],
    });
  });

  it('does not count a parameterized component as covering the field', async () => {
    const params = `("@method" "@target-uri" "authorization";bs);keyid="${KEY_ID}";created=${NOW}`;
    const signature = handSign(
      [
        ['@method', 'GET'],
        ['@target-uri', URL_],
        ['"authorization";bs', `:${Buffer.from(TOKEN).toString('base64')}:`],
      ],
      params,
      privateKey,
    );
    const request: SignableRequest = {
      method: 'GET',
      url: URL_,
      headers: { authorization: TOKEN, 'signature-input': `sig1=${params}`, signature: `sig1=:${signature}:` },
    };
    await expectCode(verifyRequestSignature(request, jwk, { now: NOW }), 'missing_component');
    await expect(verifyRequestSignature(request, jwk, { now: NOW, requireComponents: false })).resolves.toMatchObject({
      components: ['@method', '@target-uri', 'authorization;bs'],
    });
  });
});

describe('RFC 9421 Appendix B.2.6 (ed25519 test vector)', () => {
  // Published test key and message of RFC 9421 Appendix B.1.4 / B.2 — test data, not secrets.
  const testKey = createPrivateKey(
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n',
  );
  const signatureInput =
    '("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
  const expectedSignature = 'wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==';
  const request: SignableRequest = {
    method: 'POST',
    url: 'https://example.com/foo?param=Value&Pet=dog',
    headers: {
      Host: 'example.com',
      Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'Content-Type': 'application/json',
      'Content-Digest':
        'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'Content-Length': '18',
      'Signature-Input': `sig-b26=${signatureInput}`,
      Signature: `sig-b26=:${expectedSignature}:`,
    },
    body: '{"hello": "world"}',
  };

  it('builds the published signature base', () => {
    const base = buildSignatureBase(
      ['date', '@method', '@path', '@authority', 'content-type', 'content-length'].map((name) => [name, new Map()]),
      signatureInput,
      {
        method: request.method,
        url: request.url,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
      },
    );
    expect(base).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        `"@signature-params": ${signatureInput}`,
      ].join('\n'),
    );
  });

  it('verifies the published signature (Content-Digest included)', async () => {
    await expect(
      verifyRequestSignature(request, createPublicKey(testKey), {
        now: 1618884473,
        label: 'sig-b26',
        // The vector covers @path and @authority, not the @target-uri Open Payments requires.
        requireComponents: false,
      }),
    ).resolves.toMatchObject({ keyId: 'test-key-ed25519', created: 1618884473 });
  });
});
