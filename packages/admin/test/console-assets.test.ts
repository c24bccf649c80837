import { createHash, createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { canonicalJson } from '@sluice/resource';
import { CONSOLE_DIRECTORY } from '../src/http/console-routes';
import { startAdmin, type AdminHarness } from './support/admin-harness';

interface Signing {
  canonicalJson(value: unknown): string;
  sha256Hex(bytes: Uint8Array): string;
  hmacSha256HexFallback(secret: string, message: string): string;
  hmacSha256Hex(secret: string, message: string): Promise<string>;
  sign(secret: string, body: unknown, timestampSeconds?: number): Promise<string>;
}

/** Loads console/hmac.js as the browser would, in a context with or without WebCrypto. */
function loadSigning(withWebCrypto: boolean): Signing {
  const window: Record<string, unknown> = withWebCrypto ? { crypto: globalThis.crypto } : {};
  runInNewContext(readFileSync(join(CONSOLE_DIRECTORY, 'hmac.js'), 'utf8'), { window, TextEncoder, Uint8Array });
  return window.SluiceSigning as Signing;
}

describe('console files', () => {
  let admin: AdminHarness;
  beforeAll(async () => {
    admin = await startAdmin();
  });
  afterAll(() => admin.stop());

  it('serves the console page and its files with a strict content security policy', async () => {
    const page = await fetch(`${admin.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/);
    const html = await page.text();
    for (const src of html.match(/(?:src|href)="[^"]+"/g) ?? []) {
      const path = src.replace(/^(src|href)="|"$/g, '');
      expect(path.startsWith('/console/')).toBe(true);
      const asset = await fetch(`${admin.url}${path}`);
      expect(asset.status).toBe(200);
    }
    expect((await fetch(`${admin.url}/console/missing.js`)).status).toBe(404);
    expect((await fetch(`${admin.url}/healthz`)).status).toBe(200);
  });

  it('loads nothing from elsewhere (works offline)', () => {
    for (const file of readdirSync(CONSOLE_DIRECTORY)) {
      const text = readFileSync(join(CONSOLE_DIRECTORY, file), 'utf8');
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    }
  });
});

describe('console request signing (console/hmac.js)', () => {
  const fallback = loadSigning(false);
  const webCrypto = loadSigning(true);

  it('computes SHA-256 and HMAC-SHA256 like node without WebCrypto (plain http on a private address)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(fallback.sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 300 }), (secret, message) => {
        const expected = createHmac('sha256', secret).update(message).digest('hex');
        expect(fallback.hmacSha256HexFallback(secret, message)).toBe(expected);
      }),
    );
  });

  it('canonicalizes bodies exactly as the server does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(fallback.canonicalJson(value)).toBe(canonicalJson(value));
      }),
    );
  });

  it('signs requests the server accepts, with WebCrypto and without', async () => {
    const admin = await startAdmin();
    try {
      for (const signing of [webCrypto, fallback]) {
        const body = {
          query: '{ whoami { isOperator } }',
          variables: { z: 1, a: [true] },
          extensions: { n: Math.random() },
        };
        const response = await fetch(`${admin.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', signature: await signing.sign(admin.secret, body) },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: { whoami: { isOperator: true } } });
      }
    } finally {
      await admin.stop();
    }
  });
});
