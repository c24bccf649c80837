// The server process loads undici (our HTTP client) before it makes any request, and loading undici makes its
// dispatcher the one Node's built-in fetch uses too; that pairing refuses a request with an explicit content-length,
// which every signed POST has. So a server that asked another Open Payments server for a grant or an incoming payment
// with the built-in fetch failed with "fetch failed" — though not under jest, whose sandbox keeps the two apart. This
// runs the remote client in a child process in the server's order, against a stand-in for another server.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REMOTE_CLIENT = resolve(__dirname, '../dist/quotes/remote-open-payments.js');
const SIGNATURES = resolve(__dirname, '../../http-signatures/dist/index.js');
const UNDICI = require.resolve('undici', { paths: [resolve(__dirname, '..')] });

const childScript = `
  require(${JSON.stringify(UNDICI)});
  const http = require('node:http');
  const { createRemoteOpenPayments } = require(${JSON.stringify(REMOTE_CLIENT)});
  const { generateEd25519Key } = require(${JSON.stringify(SIGNATURES)});
  const seen = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push(request.method + ' ' + request.url + ' ' + (request.headers['content-length'] ?? '-') + ' ' + body.length);
      const base = 'http://127.0.0.1:' + server.address().port;
      const json = (status, value) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.url === '/bob') {
        return json(200, { id: base + '/bob', authServer: base + '/auth', resourceServer: base, assetCode: 'EUR', assetScale: 2 });
      }
      if (request.url === '/auth') return json(200, { access_token: { value: 'token', expires_in: 600 } });
      if (request.url === '/incoming-payments') {
        return json(201, {
          id: base + '/incoming-payments/1', walletAddress: base + '/bob', completed: false,
          incomingAmount: { value: '500', assetCode: 'EUR', assetScale: 2 },
          receivedAmount: { value: '0', assetCode: 'EUR', assetScale: 2 },
          methods: [{ type: 'ilp', ilpAddress: 'test.remote.bob', sharedSecret: Buffer.alloc(32, 1).toString('base64url') }],
        });
      }
      json(404, {});
    });
  });
  server.listen(0, '127.0.0.1', async () => {
    const { signingKey, publicJwk } = generateEd25519Key('sluice-test');
    const remote = createRemoteOpenPayments({ signingKey, publicJwk, timeoutMs: 5000, allowPrivateNetworks: true });
    try {
      const receiver = await remote.createIncomingPayment('http://127.0.0.1:' + server.address().port + '/bob', { incomingAmount: 500n });
      console.log(JSON.stringify({ ok: true, ilpAddress: receiver.ilpAddress, seen }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, error: String(error && error.message), seen }));
    } finally {
      server.close();
    }
  });
`;

describe('requests to another Open Payments server', () => {
  it('are made, signed POSTs included, when undici was loaded first (as in the server process)', () => {
    const child = spawnSync(process.execPath, ['-e', childScript], { encoding: 'utf8', timeout: 20_000 });
    expect(child.stderr).toBe('');
    const outcome = JSON.parse(child.stdout) as { ok: boolean; ilpAddress?: string; seen: string[] };
    expect(outcome).toMatchObject({ ok: true, ilpAddress: 'test.remote.bob' });
    // The grant request and the creation were POSTs with a body, sent with the length they carry.
    const posts = outcome.seen.filter((line) => line.startsWith('POST'));
    expect(posts).toHaveLength(2);
    for (const line of posts) {
      const [, , declared, received] = line.split(' ');
      expect(Number(declared)).toBe(Number(received));
    }
  });
});
