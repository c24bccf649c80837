import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  createContentDigest,
  generateEd25519Key,
  getSignatureKeyId,
  signRequest,
  verifyRequestSignature,
  type SignableRequest,
} from '@sluice/http-signatures';
import { BODY, clientKey, expectCode, getRequest, KEY_ID, NOW, postRequest, signed, TOKEN } from './fixtures';

const jwk = clientKey.publicJwk;

describe('signRequest', () => {
  it('covers method, target URI and authorization on a GET, like the official client', () => {
    const headers = signRequest(getRequest(), clientKey.signingKey, { created: NOW });
    expect(headers['Signature-Input']).toBe(
      `sig1=("@method" "@target-uri" "authorization");keyid="${KEY_ID}";created=${NOW}`,
    );
    expect(headers.Signature).toMatch(/^sig1=:[A-Za-z0-9+/]{86}==:$/);
    expect(headers['Content-Digest']).toBeUndefined();
    expect(Object.keys(headers).sort()).toEqual(['Signature', 'Signature-Input']);
  });

  it('adds and covers Content-Digest, Content-Length and Content-Type when there is a body', () => {
    const headers = signRequest(postRequest(), clientKey.signingKey, { created: NOW });
    expect(headers['Signature-Input']).toBe(
      `sig1=("@method" "@target-uri" "authorization" "content-digest" "content-length" "content-type");` +
        `keyid="${KEY_ID}";created=${NOW}`,
    );
    expect(headers['Content-Digest']).toBe(createContentDigest(BODY));
    expect(headers['Content-Length']).toBe(String(Buffer.byteLength(BODY)));
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('does not cover authorization when there is none (a grant request)', () => {
    const headers = signRequest(postRequest({ headers: {} }), clientKey.signingKey, { created: NOW });
    expect(headers['Signature-Input']).toMatch(/^sig1=\("@method" "@target-uri" "content-digest"/);
  });

  it('treats an empty body as no body, as the official client does', () => {
    const headers = signRequest(postRequest({ body: '' }), clientKey.signingKey, { created: NOW });
    expect(headers['Content-Digest']).toBeUndefined();
  });

  it('keeps a Content-Type the caller set, and counts Content-Length in bytes', () => {
    const body = '{"note":"héllo €"}';
    const headers = signRequest(
      postRequest({ body, headers: { 'Content-Type': 'application/merge-patch+json' } }),
      clientKey.signingKey,
      { created: NOW },
    );
    expect(headers['Content-Type']).toBe('application/merge-patch+json');
    expect(headers['Content-Length']).toBe(String(Buffer.byteLength(body, 'utf8')));
  });

  it('defaults created to the current time', () => {
    const before = Math.floor(Date.now() / 1000);
    const input = signRequest(getRequest(), clientKey.signingKey)['Signature-Input'];
    const created = Number(/created=(\d+)/.exec(input)?.[1]);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('refuses keys and requests it cannot sign with typed errors', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expectCode(() => signRequest(getRequest(), { keyId: KEY_ID, privateKey: publicKey }), 'invalid_key');
    await expectCode(() => signRequest(getRequest(), { keyId: KEY_ID, privateKey: rsa }), 'invalid_key');
    await expectCode(() => signRequest(getRequest(), { ...clientKey.signingKey, keyId: '' }), 'invalid_key');
    await expectCode(() => signRequest(getRequest(), { ...clientKey.signingKey, keyId: 'ké' }), 'invalid_key');
    await expectCode(
      () => signRequest(getRequest({ url: '/incoming-payments' }), clientKey.signingKey),
      'invalid_request',
    );
    await expectCode(() => signRequest(getRequest(), clientKey.signingKey, { created: 1.5 }), 'invalid_request');
  });
});

describe('verifyRequestSignature', () => {
  it('verifies a signed GET and reports what was covered', async () => {
    await expect(verifyRequestSignature(signed(getRequest()), jwk, { now: NOW })).resolves.toEqual({
      keyId: KEY_ID,
      created: NOW,
      components: ['@method', '@target-uri', 'authorization'],
    });
  });

  it('verifies a signed POST with body, with or without authorization', async () => {
    const withToken = await verifyRequestSignature(signed(postRequest()), jwk, { now: NOW });
    expect(withToken.components).toEqual([
      '@method',
      '@target-uri',
      'authorization',
      'content-digest',
      'content-length',
      'content-type',
    ]);
    const grantRequest = await verifyRequestSignature(signed(postRequest({ headers: {} })), jwk, { now: NOW });
    expect(grantRequest.components).not.toContain('authorization');
  });

  it('accepts the body as a Buffer and headers in any case or as field-line arrays', async () => {
    const request = signed(postRequest());
    const headers: SignableRequest['headers'] = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toUpperCase()] = [value as string];
    await expect(
      verifyRequestSignature({ ...request, headers, body: Buffer.from(BODY) }, jwk, { now: NOW }),
    ).resolves.toMatchObject({ keyId: KEY_ID });
  });

  it('takes a function that chooses the key by the signature keyid', async () => {
    const asked: string[] = [];
    const choose = async (keyId: string) => {
      asked.push(keyId);
      return keyId === KEY_ID ? jwk : undefined;
    };
    await expect(verifyRequestSignature(signed(postRequest()), choose, { now: NOW })).resolves.toMatchObject({
      keyId: KEY_ID,
    });
    expect(asked).toEqual([KEY_ID]);

    const otherKeyId = signed(postRequest());
    otherKeyId.headers['signature-input'] = String(otherKeyId.headers['signature-input']).replace(KEY_ID, 'gone');
    await expectCode(verifyRequestSignature(otherKeyId, choose, { now: NOW }), 'unknown_key');
    // A key that is not the one named is refused, whatever the function hands back.
    await expectCode(
      verifyRequestSignature(otherKeyId, () => jwk, { now: NOW }),
      'unknown_key',
    );

    // What the function throws (the caller's own "no such client") is passed on unchanged.
    const refusal = new Error('client unknown');
    await expect(
      verifyRequestSignature(signed(postRequest()), () => Promise.reject(refusal), { now: NOW }),
    ).rejects.toBe(refusal);

    // Nothing is looked up for a Signature-Input that does not parse.
    asked.length = 0;
    const malformed = signed(postRequest());
    malformed.headers['signature-input'] = 'sig1=(';
    await expectCode(verifyRequestSignature(malformed, choose, { now: NOW }), 'malformed_signature_input');
    expect(asked).toEqual([]);
  });

  it('verifies with a public KeyObject, or the private one, as well as the JWK', async () => {
    const request = signed(postRequest());
    const { privateKey } = clientKey.signingKey;
    await expect(verifyRequestSignature(request, createPublicKey(privateKey), { now: NOW })).resolves.toBeDefined();
    await expect(verifyRequestSignature(request, privateKey, { now: NOW })).resolves.toBeDefined();
  });

  it('signs the WHATWG form of the URL, which is what an HTTP client sends', async () => {
    const request = signed(getRequest({ url: 'https://RS.example:443/a%7e?q=a b' }));
    const onTheWire = new URL('https://RS.example:443/a%7e?q=a b').href;
    expect(onTheWire).toBe('https://rs.example/a%7e?q=a%20b');
    await expect(verifyRequestSignature({ ...request, url: onTheWire }, jwk, { now: NOW })).resolves.toBeDefined();
  });

  describe('a changed byte in anything covered fails', () => {
    const tampered: [string, (request: SignableRequest) => SignableRequest, string][] = [
      ['method', (r) => ({ ...r, method: 'PUT' }), 'invalid_signature'],
      [
        'URL path',
        (r) => ({ ...r, url: r.url.replace('/incoming-payments', '/incoming-paymentz') }),
        'invalid_signature',
      ],
      ['URL query', (r) => ({ ...r, url: r.url.replace('alice', 'alicf') }), 'invalid_signature'],
      ['URL host', (r) => ({ ...r, url: r.url.replace('rs.example', 'rs.exampla') }), 'invalid_signature'],
      ['URL scheme', (r) => ({ ...r, url: r.url.replace('https:', 'http:') }), 'invalid_signature'],
      ['authorization', (r) => withHeader(r, 'authorization', TOKEN.replace('GNAP O', 'GNAP P')), 'invalid_signature'],
      ['body (digest no longer matches)', (r) => ({ ...r, body: BODY.replace('2500', '2501') }), 'digest_mismatch'],
      [
        'body with a recomputed digest',
        (r) => {
          const body = BODY.replace('2500', '9500');
          return withHeader({ ...r, body }, 'content-digest', createContentDigest(body));
        },
        'invalid_signature',
      ],
      ['content-type', (r) => withHeader(r, 'content-type', 'application/jsoN'), 'invalid_signature'],
      ['content-length', (r) => withHeader(r, 'content-length', String(BODY.length + 1)), 'invalid_signature'],
      [
        'created',
        (r) => withHeader(r, 'signature-input', input(r).replace(`created=${NOW}`, `created=${NOW + 1}`)),
        'invalid_signature',
      ],
      ['signature', (r) => withHeader(r, 'signature', flipSignature(String(r.headers.signature))), 'invalid_signature'],
    ];
    it.each(tampered)('%s', async (_, change, code) => {
      const request = signed(postRequest());
      await expect(verifyRequestSignature(request, jwk, { now: NOW })).resolves.toBeDefined();
      await expectCode(verifyRequestSignature(change(request), jwk, { now: NOW }), code as never);
    });

    it('a keyid changed to another key', async () => {
      const request = signed(postRequest());
      const other = withHeader(request, 'signature-input', input(request).replace(KEY_ID, 'client-key-2'));
      await expectCode(verifyRequestSignature(other, jwk, { now: NOW }), 'unknown_key');
      await expectCode(
        verifyRequestSignature(other, clientKey.signingKey.privateKey, { now: NOW }),
        'invalid_signature',
      );
    });

    it('a signature by another key', async () => {
      const stranger = generateEd25519Key(KEY_ID);
      await expectCode(
        verifyRequestSignature(signed(postRequest()), stranger.publicJwk, { now: NOW }),
        'invalid_signature',
      );
    });

    it('every single byte of the signature', async () => {
      const request = signed(getRequest());
      const bytes = Buffer.from(String(request.headers.signature).slice(6, -1), 'base64');
      for (let i = 0; i < bytes.length; i++) {
        const copy = Buffer.from(bytes);
        copy[i] ^= 0x01;
        const changed = withHeader(request, 'signature', `sig1=:${copy.toString('base64')}:`);
        await expectCode(verifyRequestSignature(changed, jwk, { now: NOW }), 'invalid_signature');
      }
    });
  });

  describe('missing headers', () => {
    it('no Signature or Signature-Input', async () => {
      const request = signed(getRequest());
      await expectCode(verifyRequestSignature(without(request, 'signature'), jwk, { now: NOW }), 'missing_signature');
      await expectCode(
        verifyRequestSignature(without(request, 'signature-input'), jwk, { now: NOW }),
        'missing_signature',
      );
      await expectCode(verifyRequestSignature(getRequest(), jwk, { now: NOW }), 'missing_signature');
    });

    it('a covered header that is no longer sent', async () => {
      const request = signed(postRequest());
      await expectCode(
        verifyRequestSignature(without(request, 'content-type'), jwk, { now: NOW }),
        'missing_component',
      );
      await expectCode(
        verifyRequestSignature(without(request, 'content-length'), jwk, { now: NOW }),
        'missing_component',
      );
    });

    it('authorization added to a request signed without it', async () => {
      const request = withHeader(signed(getRequest({ headers: {} })), 'authorization', TOKEN);
      await expectCode(verifyRequestSignature(request, jwk, { now: NOW }), 'missing_component');
    });

    it('authorization dropped from a request signed with it', async () => {
      const request = without(signed(getRequest()), 'authorization');
      await expectCode(verifyRequestSignature(request, jwk, { now: NOW }), 'missing_component');
    });

    it('a body without Content-Digest, and a Content-Digest added to an unsigned-body request', async () => {
      const noBody = signed(getRequest());
      await expectCode(verifyRequestSignature({ ...noBody, body: BODY }, jwk, { now: NOW }), 'missing_digest');
      const digestAdded = withHeader({ ...noBody, body: BODY }, 'content-digest', createContentDigest(BODY));
      await expectCode(verifyRequestSignature(digestAdded, jwk, { now: NOW }), 'missing_component');
    });

    it('a body dropped from a request whose digest covers one', async () => {
      await expectCode(
        verifyRequestSignature({ ...signed(postRequest()), body: undefined }, jwk, { now: NOW }),
        'digest_mismatch',
      );
    });
  });

  describe('created must be within maxSkewSeconds of now', () => {
    it.each([
      [-301, 'refused'],
      [301, 'refused'],
      [-299, 'accepted'],
      [299, 'accepted'],
      [-300, 'accepted'],
      [300, 'accepted'],
    ])('created %i s from now is %s', async (offset, outcome) => {
      const request = signed(getRequest(), NOW + offset);
      const verifying = verifyRequestSignature(request, jwk, { now: NOW });
      if (outcome === 'accepted') await expect(verifying).resolves.toMatchObject({ created: NOW + offset });
      else await expectCode(verifying, 'signature_expired');
    });

    it('honours a custom window', async () => {
      const request = signed(getRequest(), NOW - 30);
      await expectCode(verifyRequestSignature(request, jwk, { now: NOW, maxSkewSeconds: 10 }), 'signature_expired');
      await expect(verifyRequestSignature(request, jwk, { now: NOW, maxSkewSeconds: 30 })).resolves.toBeDefined();
    });

    it('uses the system clock by default', async () => {
      const request = signed(getRequest(), Math.floor(Date.now() / 1000));
      await expect(verifyRequestSignature(request, jwk)).resolves.toBeDefined();
      await expectCode(verifyRequestSignature(signed(getRequest(), NOW), jwk), 'signature_expired');
    });

    it('refuses a now given in milliseconds instead of silently expiring everything', async () => {
      await expectCode(verifyRequestSignature(signed(getRequest()), jwk, { now: NOW * 1000 }), 'invalid_request');
    });
  });

  it('refuses a relative URL: a path alone can never match what the client signed', async () => {
    const request = signed(getRequest());
    await expectCode(
      verifyRequestSignature({ ...request, url: '/incoming-payments/4f3c?x=1' }, jwk, { now: NOW }),
      'invalid_request',
    );
  });

  it('notices a JWK object edited between calls (imported keys are cached per object)', async () => {
    const mutable = { ...jwk };
    await expect(verifyRequestSignature(signed(getRequest()), mutable, { now: NOW })).resolves.toBeDefined();
    mutable.x = generateEd25519Key(KEY_ID).publicJwk.x;
    await expectCode(verifyRequestSignature(signed(getRequest()), mutable, { now: NOW }), 'invalid_signature');
  });

  it('refuses keys that are not Ed25519', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    await expectCode(verifyRequestSignature(signed(getRequest()), rsa, { now: NOW }), 'invalid_key');
    const badJwk = { ...jwk, x: 'too-short' };
    await expectCode(verifyRequestSignature(signed(getRequest()), badJwk, { now: NOW }), 'invalid_key');
  });
});

describe('getSignatureKeyId', () => {
  it('reads keyid from Signature-Input in any header case', () => {
    const { headers } = signed(getRequest());
    expect(getSignatureKeyId(headers)).toBe(KEY_ID);
    expect(getSignatureKeyId({ 'Signature-Input': String(headers['signature-input']) })).toBe(KEY_ID);
  });

  it('throws typed errors when there is nothing usable', async () => {
    await expectCode(() => getSignatureKeyId({}), 'missing_signature');
    await expectCode(() => getSignatureKeyId({ 'signature-input': 'sig1=(' }), 'malformed_signature_input');
    await expectCode(
      () => getSignatureKeyId({ 'signature-input': 'sig1=("@method");created=1' }),
      'malformed_signature_input',
    );
    await expectCode(
      () => getSignatureKeyId({ 'signature-input': 'sig2=("@method");keyid="k";created=1' }),
      'missing_signature',
    );
  });
});

function withHeader(request: SignableRequest, name: string, value: string): SignableRequest {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

function without(request: SignableRequest, name: string): SignableRequest {
  const headers = { ...request.headers };
  delete headers[name];
  return { ...request, headers };
}

function input(request: SignableRequest): string {
  return String(request.headers['signature-input']);
}

function flipSignature(header: string): string {
  const bytes = Buffer.from(header.slice(6, -1), 'base64');
  bytes[10] ^= 0x80;
  return `sig1=:${bytes.toString('base64')}:`;
}
