// The paying client of the payment benchmarks, in a worker thread: it creates the incoming payment, the quote and the
// outgoing payment of each payment, as a third-party app does, then waits until the wallet operator (the webhook
// endpoint, another thread) has heard that the payment completed. Its CPU time is the client's, not charged to the
// server's event loop, as it would not be in a real deployment. It calls either through the official SDK or through
// the lean signing client (the server's figure: the SDK costs about 3.5 ms of client CPU per call on this machine).
import { createPrivateKey } from 'node:crypto';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { createAuthenticatedClient } from '@interledger/open-payments';
import type { SignedClient as SignedClientType } from './signed-client';

export interface PaymentClientJob {
  /** Which client makes the app's calls: the official SDK, or the lean signing client. */
  client: 'sdk' | 'signed';
  /** The payer's wallet address and signing key. */
  walletAddressUrl: string;
  privateKeyPem: string;
  keyId: string;
  /** Where the receiver's incoming payments are created, with a token for them. */
  incoming: {
    resourceServer: string;
    accessToken: string;
    walletAddress: string;
    amount: { value: string; assetCode: string; assetScale: number };
  };
  /** The payer's resource server, with its quote and outgoing-payment tokens. */
  resourceServer: string;
  quoteToken: string;
  outgoingToken: string;
  payments: number;
  /**
   * Payments made first, in the same thread, and not measured: the app's own code is compiled by then, as a running
   * app's is, so the JIT of a fresh thread does not take CPU from the server during the measured payments.
   */
  warmup?: number;
  concurrency: number;
}

export interface PaymentClientResult {
  seconds: number;
  /** Create-to-completed milliseconds of each payment. */
  latenciesMs: number[];
  /** Milliseconds of each payment's steps, in PAYMENT_STEPS order. */
  stepsMs: number[][];
}

/** What the time of a payment goes to: the app's three calls, then execution until the operator hears of it. */
export const PAYMENT_STEPS = ['incoming payment', 'quote', 'outgoing payment', 'execution'] as const;

type ToWorker =
  { kind: 'completed'; paymentId: string } | { kind: 'failed'; paymentId: string; error: string } | { kind: 'measure' };
type FromWorker =
  | { kind: 'created'; paymentId: string }
  | { kind: 'warmed' }
  | { kind: 'result'; result: PaymentClientResult }
  | { kind: 'error'; error: string };

/**
 * Runs `job` in a new worker thread. `completion(paymentId)` resolves when the operator has been told the payment
 * completed (and rejects when it failed); the worker waits for it before counting the payment as done.
 * `afterWarmup` runs between the warm-up and the measured payments.
 */
export function runPaymentClient(
  job: PaymentClientJob,
  completion: (paymentId: string) => Promise<void>,
  afterWarmup: () => Promise<void> = async () => undefined,
): Promise<PaymentClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'warmed') {
        afterWarmup().then(
          () => worker.postMessage({ kind: 'measure' } satisfies ToWorker),
          (error: unknown) => {
            void worker.terminate();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
        return;
      }
      if (message.kind === 'created') {
        completion(message.paymentId).then(
          () => worker.postMessage({ kind: 'completed', paymentId: message.paymentId } satisfies ToWorker),
          (error: unknown) =>
            worker.postMessage({
              kind: 'failed',
              paymentId: message.paymentId,
              error: String(error),
            } satisfies ToWorker),
        );
        return;
      }
      void worker.terminate();
      if (message.kind === 'result') resolve(message.result);
      else reject(new Error(`payment client: ${message.error}`));
    });
    worker.once('error', reject);
  });
}

/** The three calls of a payment, each resolving with the created resource's `id` (its URL). */
interface PayingApp {
  createIncomingPayment(): Promise<string>;
  createQuote(receiver: string): Promise<string>;
  createOutgoingPayment(quoteId: string): Promise<string>;
  close(): Promise<void>;
}

async function sdkApp(job: PaymentClientJob): Promise<PayingApp> {
  const client = await createAuthenticatedClient({
    walletAddressUrl: job.walletAddressUrl,
    privateKey: createPrivateKey(job.privateKeyPem),
    keyId: job.keyId,
    validateResponses: false,
  });
  return {
    createIncomingPayment: async () =>
      (
        await client.incomingPayment.create(
          { url: job.incoming.resourceServer, accessToken: job.incoming.accessToken },
          { walletAddress: job.incoming.walletAddress, incomingAmount: job.incoming.amount },
        )
      ).id,
    createQuote: async (receiver) =>
      (
        await client.quote.create(
          { url: job.resourceServer, accessToken: job.quoteToken },
          { walletAddress: job.walletAddressUrl, receiver, method: 'ilp' },
        )
      ).id,
    createOutgoingPayment: async (quoteId) =>
      (
        await client.outgoingPayment.create(
          { url: job.resourceServer, accessToken: job.outgoingToken },
          { walletAddress: job.walletAddressUrl, quoteId },
        )
      ).id,
    close: async () => undefined,
  };
}

function signedApp(job: PaymentClientJob): PayingApp {
  // Loaded only here: undici 7, once loaded, becomes the built-in fetch's dispatcher and the SDK's signed POSTs fail.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SignedClient } = require('./signed-client') as { SignedClient: typeof SignedClientType };
  const client = new SignedClient({
    privateKey: createPrivateKey(job.privateKeyPem),
    keyId: job.keyId,
    connections: job.concurrency,
  });
  const created = async (url: string, accessToken: string, body: unknown) =>
    (await client.post<{ id: string }>(url, accessToken, JSON.stringify(body))).id;
  return {
    createIncomingPayment: () =>
      created(`${job.incoming.resourceServer}/incoming-payments`, job.incoming.accessToken, {
        walletAddress: job.incoming.walletAddress,
        incomingAmount: job.incoming.amount,
      }),
    createQuote: (receiver) =>
      created(`${job.resourceServer}/quotes`, job.quoteToken, {
        walletAddress: job.walletAddressUrl,
        receiver,
        method: 'ilp',
      }),
    createOutgoingPayment: (quoteId) =>
      created(`${job.resourceServer}/outgoing-payments`, job.outgoingToken, {
        walletAddress: job.walletAddressUrl,
        quoteId,
      }),
    close: () => client.close(),
  };
}

async function runJob(job: PaymentClientJob, port: NonNullable<typeof parentPort>): Promise<PaymentClientResult> {
  const app = job.client === 'sdk' ? await sdkApp(job) : signedApp(job);
  const waiting = new Map<string, { resolve(): void; reject(error: Error): void }>();
  let measure: (() => void) | undefined;
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'measure') return measure?.();
    const waiter = waiting.get(message.paymentId);
    waiting.delete(message.paymentId);
    if (message.kind === 'completed') waiter?.resolve();
    else waiter?.reject(new Error(message.error));
  });

  let stepsMs: number[][] = [];
  const onePayment = async (): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const steps: number[] = [];
    let stepStarted = t0;
    const stepDone = () => {
      const now = process.hrtime.bigint();
      steps.push(Number(now - stepStarted) / 1e6);
      stepStarted = now;
    };
    const incomingPayment = await app.createIncomingPayment();
    stepDone();
    const quote = await app.createQuote(incomingPayment);
    stepDone();
    const outgoingPayment = await app.createOutgoingPayment(quote);
    stepDone();
    const paymentId = outgoingPayment.split('/').pop() as string;
    await new Promise<void>((resolve, reject) => {
      waiting.set(paymentId, { resolve, reject });
      port.postMessage({ kind: 'created', paymentId } satisfies FromWorker);
    });
    stepDone();
    stepsMs.push(steps);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };

  const pay = async (payments: number, latenciesMs: number[]) => {
    let remaining = payments;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (remaining-- > 0) latenciesMs.push(await onePayment());
      }),
    );
  };
  try {
    await pay(job.warmup ?? 0, []);
    stepsMs = [];
    await new Promise<void>((resolve) => {
      measure = resolve;
      port.postMessage({ kind: 'warmed' } satisfies FromWorker);
    });
    const latenciesMs: number[] = [];
    const started = process.hrtime.bigint();
    await pay(job.payments, latenciesMs);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs, stepsMs };
  } finally {
    await app.close();
  }
}

if (parentPort) {
  const port = parentPort;
  runJob(workerData as PaymentClientJob, port).then(
    (result) => port.postMessage({ kind: 'result', result } satisfies FromWorker),
    (error: unknown) =>
      port.postMessage({
        kind: 'error',
        error: error instanceof Error ? error.message : String(error),
      } satisfies FromWorker),
  );
}
