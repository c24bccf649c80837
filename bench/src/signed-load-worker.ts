// Load generator for the Open Payments benchmarks, run in a worker thread so that the client's CPU time is not
// charged to the server's event loop. It does what any Open Payments client must do per request — sign it (RFC 9421,
// Ed25519, Content-Digest) with a fresh `created` and send it with a GNAP token — over a keep-alive connection pool,
// without the official SDK's per-request overhead (fetch, web streams, ky), which is a client cost, not the server's.
import { createPrivateKey } from 'node:crypto';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { SignedClient } from './signed-client';

export interface SignedLoadJob {
  url: string;
  accessToken: string;
  privateKeyPem: string;
  keyId: string;
  /** JSON bodies are sent round-robin. */
  bodies: unknown[];
  requests: number;
  /** Requests sent first and not measured: both ends run warm, as a long-running server and client do. */
  warmup?: number;
  concurrency: number;
  /** Expected status of every response; anything else aborts the run. */
  expectStatus: number;
}

export interface SignedLoadResult {
  seconds: number;
  latenciesMs: number[];
  /** How long the warm-up requests took, when there were some. */
  warmupSeconds?: number;
}

async function runJob(job: SignedLoadJob, port: NonNullable<typeof parentPort>): Promise<SignedLoadResult> {
  const client = new SignedClient({
    privateKey: createPrivateKey(job.privateKeyPem),
    keyId: job.keyId,
    connections: job.concurrency,
  });
  const bodies = job.bodies.map((body) => JSON.stringify(body));
  const send = async (requests: number, latenciesMs: number[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (next < requests) {
          const body = bodies[next++ % bodies.length];
          const t0 = process.hrtime.bigint();
          await client.post(job.url, job.accessToken, body, job.expectStatus);
          latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
  };
  try {
    const warmupStarted = process.hrtime.bigint();
    if (job.warmup) await send(job.warmup, []);
    const warmupSeconds = job.warmup ? Number(process.hrtime.bigint() - warmupStarted) / 1e9 : undefined;
    await new Promise<void>((resolve) => {
      port.once('message', () => resolve());
      port.postMessage({ warmed: true });
    });
    const latenciesMs: number[] = [];
    const started = process.hrtime.bigint();
    await send(job.requests, latenciesMs);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs, warmupSeconds };
  } finally {
    await client.close();
  }
}

/**
 * Runs `job` in a new worker thread and resolves with its timings; `afterWarmup` runs between the warm-up and the
 * measured requests.
 */
export function runSignedLoad(
  job: SignedLoadJob,
  afterWarmup: () => void = () => undefined,
): Promise<SignedLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.on('message', (message: { warmed?: true; result?: SignedLoadResult; error?: string }) => {
      if (message.warmed) {
        afterWarmup();
        worker.postMessage('measure');
        return;
      }
      void worker.terminate();
      if (message.result) resolve(message.result);
      else reject(new Error(`load worker: ${message.error}`));
    });
    worker.once('error', reject);
  });
}

if (parentPort) {
  runJob(workerData as SignedLoadJob, parentPort).then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
