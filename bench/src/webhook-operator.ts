// The wallet operator's side of the benchmarks: an HTTP endpoint receiving Sluice's webhooks, so a payment counts as
// completed when its outgoing_payment.completed event arrives, as it does for an operator. It runs in a worker
// thread, like the load generator, so that receiving the events is not charged to the server's event loop.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

export interface WebhookOperator {
  url: string;
  /** Resolves when outgoing_payment.completed arrives for `paymentId`; rejects on outgoing_payment.failed. */
  completion(paymentId: string): Promise<void>;
  close(): Promise<void>;
}

type OperatorMessage = { kind: 'listening'; url: string } | { kind: 'outcome'; paymentId: string; error?: string };

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export async function startWebhookOperator(): Promise<WebhookOperator> {
  const worker = new Worker(__filename);
  const waiting = new Map<string, Waiter>();
  // Outcomes that arrive before anyone waits for them (a payment can complete before its create call returns).
  const early = new Map<string, string | undefined>();
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: OperatorMessage) => {
      if (message.kind === 'listening') return resolve(message.url);
      const waiter = waiting.get(message.paymentId);
      if (!waiter) return void early.set(message.paymentId, message.error);
      waiting.delete(message.paymentId);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve();
    });
  });
  return {
    url,
    completion(paymentId) {
      if (early.has(paymentId)) {
        const error = early.get(paymentId);
        early.delete(paymentId);
        return error ? Promise.reject(new Error(error)) : Promise.resolve();
      }
      return new Promise((resolve, reject) => waiting.set(paymentId, { resolve, reject }));
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

function serveInWorker(port: NonNullable<typeof parentPort>): void {
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
      if (event.type === 'outgoing_payment.completed') {
        port.postMessage({ kind: 'outcome', paymentId: event.data.id } satisfies OperatorMessage);
      } else if (event.type === 'outgoing_payment.failed') {
        const error = `payment ${event.data.id} failed: ${event.data.error}`;
        port.postMessage({ kind: 'outcome', paymentId: event.data.id, error } satisfies OperatorMessage);
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
    port.postMessage({ kind: 'listening', url } satisfies OperatorMessage);
  });
}

if (!isMainThread && parentPort) serveInWorker(parentPort);
