// The wallet operator's side of the benchmarks: an HTTP endpoint receiving Sluice's webhooks, so a payment counts as
// completed when its outgoing_payment.completed event arrives, as it does for an operator.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookOperator {
  url: string;
  /** Resolves when outgoing_payment.completed arrives for `paymentId`; rejects on outgoing_payment.failed. */
  completion(paymentId: string): Promise<void>;
  close(): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export async function startWebhookOperator(): Promise<WebhookOperator> {
  const waiting = new Map<string, Waiter>();
  // Events that arrive before anyone waits for them (a fast payment can complete before its create call returns).
  const early = new Map<string, Error | null>();
  const settle = (paymentId: string, outcome: Error | null) => {
    const waiter = waiting.get(paymentId);
    if (!waiter) {
      early.set(paymentId, outcome);
      return;
    }
    waiting.delete(paymentId);
    if (outcome) waiter.reject(outcome);
    else waiter.resolve();
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.statusCode = 200;
      response.end();
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        type: string;
        data: { id: string; error?: string };
      };
      if (event.type === 'outgoing_payment.completed') settle(event.data.id, null);
      if (event.type === 'outgoing_payment.failed') {
        settle(event.data.id, new Error(`payment ${event.data.id} failed: ${event.data.error}`));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    completion(paymentId) {
      if (early.has(paymentId)) {
        const outcome = early.get(paymentId);
        early.delete(paymentId);
        return outcome ? Promise.reject(outcome) : Promise.resolve();
      }
      return new Promise((resolve, reject) => waiting.set(paymentId, { resolve, reject }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
