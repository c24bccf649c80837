// A quote's receiver is a URL a third-party client picks: without allowPrivateNetworks, fetching it never reaches an
// address on this server's own networks, whether the URL names it, a name resolves to it, or a name resolves to it
// only when the connection is made.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { generateEd25519Key } from '@sluice/http-signatures';
import { isPrivateAddress, publicNetworkDispatcher } from '../src/quotes/public-network';
import { createRemoteOpenPayments } from '../src/quotes/remote-open-payments';

describe('receivers on private networks', () => {
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('tells private addresses from public ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not an address']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['1.1.1.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });

  it('refuses receivers at private addresses and names, and reaches them when allowed', async () => {
    const key = generateEd25519Key('sluice-test');
    const guarded = createRemoteOpenPayments({ ...key, timeoutMs: 5_000 });
    for (const url of [
      `http://127.0.0.1:${port}/incoming-payments/1`,
      `http://localhost:${port}/incoming-payments/1`,
    ]) {
      await expect(guarded.getIncomingPayment(url)).rejects.toMatchObject({
        status: 400,
        code: 'invalid_receiver',
        message: expect.stringContaining('private network'),
      });
    }
    expect(requests).toBe(0);
    const open = createRemoteOpenPayments({ ...key, timeoutMs: 5_000, allowPrivateNetworks: true });
    // Reached (and answered with no authServer, so refused for that reason instead).
    await expect(open.getIncomingPayment(`http://127.0.0.1:${port}/incoming-payments/1`)).rejects.toMatchObject({
      message: expect.stringContaining('could not be read'),
    });
    expect(requests).toBe(1);
  });

  it('refuses the connection itself when a name resolves to a private address at connect time', async () => {
    await expect(fetch(`http://localhost:${port}/`, { dispatcher: publicNetworkDispatcher() })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: 'private_network' }),
    });
    expect(requests).toBe(1);
  });
});
