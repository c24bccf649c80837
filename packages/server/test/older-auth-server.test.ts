// Paying a receiver whose auth server predates directed identity (as Rafiki's did until 2026): it refuses
// `client: { jwk }` and takes only a client wallet address URL whose keys it fetches from `<url>/jwks.json`. Sluice A
// pays Bob at Sluice B, whose auth server is reached through a gate that refuses any non-string `client`, as such a
// server's request validation does; everything else passes through to B's real auth server unchanged.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SluiceInstance } from '@sluice/server';
import {
  createAccount,
  depositAssetLiquidity,
  ensureAsset,
  eventually,
  peerInstances,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

/** What the gate saw of each grant request's `client`. */
interface SeenClient {
  form: string;
  client: unknown;
  refused: boolean;
}

function startGate(target: () => string): Promise<{ url: string; seen: SeenClient[]; server: Server }> {
  const seen: SeenClient[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'POST' && body.length > 0) {
        const client = (JSON.parse(body.toString('utf8')) as { client?: unknown }).client;
        if (client !== undefined) {
          const refused = typeof client !== 'string';
          seen.push({ form: typeof client, client, refused });
          if (refused) {
            response.writeHead(400, { 'content-type': 'application/json' });
            response.end(
              JSON.stringify({ error: { code: 'invalid_request', description: 'client must be a string' } }),
            );
            return;
          }
        }
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection'),
      ) as Record<string, string>;
      fetch(`${target()}${request.url}`, {
        method: request.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: 'manual',
      })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }),
    ),
  );
}

describe('paying a receiver whose auth server only takes wallet address clients', () => {
  let a: SluiceInstance;
  let b: SluiceInstance;
  let gate: Awaited<ReturnType<typeof startGate>>;
  let alice: TestAccount;
  let bob: TestAccount;

  beforeAll(async () => {
    gate = await startGate(() => b.urls.auth as string);
    [a, b] = await Promise.all([
      startTestSluice({ ILP_ADDRESS: 'test.alpha' }),
      startTestSluice({ ILP_ADDRESS: 'test.beta', AUTH_SERVER_URL: gate.url }),
    ]);
    alice = await createAccount(a, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 100_000n });
    bob = await createAccount(b, { path: '/bob', assetCode: 'EUR', assetScale: 2 });
    await depositAssetLiquidity(a, await ensureAsset(a, 'EUR', 2), 1_000_000n);
    await peerInstances(a, b, { assetCode: 'EUR', assetScale: 2, credit: 1_000_000n });
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await new Promise((resolve) => gate.server.close(resolve));
  });

  const clientUrl = () => `${a.publicUrls.openPayments}/.well-known/open-payments-client`;

  it('publishes its client key at its client wallet address URL, where no wallet address can be made', async () => {
    const response = await fetch(`${clientUrl()}/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: { kid: string; kty: string; crv: string }[] };
    expect(keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) })]);
    expect((await fetch(clientUrl())).status).toBe(404);
    await expect(
      a.services.resource!.walletAddresses.create({
        address: '/.well-known/open-payments-client',
        assetId: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'reserved_path' });
  });

  it('asks again as a wallet address client when directed identity is refused, pays, and remembers', async () => {
    const resource = a.services.resource!;
    const quote = await resource.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: bob.walletAddress.url,
      receiveAmount: { value: '300', assetCode: 'EUR', assetScale: 2 },
    });
    expect(gate.seen).toEqual([
      { form: 'object', client: { jwk: expect.objectContaining({ kty: 'OKP' }) }, refused: true },
      { form: 'string', client: clientUrl(), refused: false },
    ]);
    const { payment } = await resource.outgoingPayments!.createFromQuote({
      walletAddress: alice.walletAddress,
      quoteId: quote.id,
    });
    const done = await eventually(async () => {
      const current = await resource.outgoingPayments!.get(payment.id);
      return current?.state === 'COMPLETED' || current?.state === 'FAILED' ? current : undefined;
    });
    expect(done.state).toBe('COMPLETED');
    const incoming = await b.services.resource!.incomingPayments.get(quote.receiver.split('/').pop() as string);
    expect(incoming?.receivedAmount.value).toBe(300n);

    // The next grant from that auth server goes straight to the form it took.
    const before = gate.seen.length;
    await resource.quotes!.create({
      walletAddress: alice.walletAddress,
      receiver: bob.walletAddress.url,
      receiveAmount: { value: '100', assetCode: 'EUR', assetScale: 2 },
    });
    expect(gate.seen.slice(before).map((seen) => seen.form)).toEqual(['string']);
  }, 60_000);
});
