// The auth server GETs URLs that unauthenticated grant requests name (a client's keys and wallet address): bounded,
// and, with a guard, refused before the request or by the guard's own connections.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { createJsonFetcher } from '../src/clients/fetch-json';

describe('fetching client-supplied URLs', () => {
  let server: Server;
  let base: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('fetches without a guard', async () => {
    await expect(createJsonFetcher()(`${base}/alice/jwks.json`)).resolves.toEqual({ keys: [] });
    expect(requests).toBe(1);
  });

  it("refuses what the guard's check refuses, before any request", async () => {
    const fetchJson = createJsonFetcher({
      guard: {
        check: async (url) => {
          throw new Error(`${url.hostname} refused`);
        },
      },
    });
    await expect(fetchJson(`${base}/alice/jwks.json`)).rejects.toThrow('localhost refused');
    expect(requests).toBe(1);
  });

  it("connects through the guard's dispatcher (which may refuse the address it resolves at connect time)", async () => {
    let lookups = 0;
    const refusing = new Agent({
      connect: {
        lookup: (_hostname, _options, callback) => {
          lookups++;
          callback(new Error('private address'), '', 4);
        },
      },
    });
    const fetchJson = createJsonFetcher({ guard: { check: async () => undefined, dispatcher: refusing } });
    await expect(fetchJson(`${base}/alice/jwks.json`)).rejects.toThrow();
    expect(lookups).toBeGreaterThan(0);
    expect(requests).toBe(1);
  });
});
