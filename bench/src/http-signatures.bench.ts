// Open Payments request signing and verification: @sluice/http-signatures against @interledger/http-signature-utils
// (what the official SDK signs with and Rafiki verifies with), on the two request shapes a resource server sees most.
import { createHeaders, validateSignature, validateSignatureHeaders } from '@interledger/http-signature-utils';
import { generateEd25519Key, signRequest, verifyRequestSignature, type SignableRequest } from '@sluice/http-signatures';
import { measureOpsPerSecond, type BenchFigure } from './figure';

export const name = 'HTTP signatures';

const DURATION_MS = 1000;
const TOKEN = 'GNAP OS9M2PMHKUR64TB8N6BW7OZB8CDFONP219RP1LT0';
const { signingKey, publicJwk } = generateEd25519Key('bench-key');

const requests: Record<string, SignableRequest> = {
  'GET + authorization': {
    method: 'GET',
    url: 'https://rs.example/incoming-payments/4f3c8d1e-7e32-4c3b-9a31-2b0a51c1f9d2',
    headers: { authorization: TOKEN },
  },
  'POST + authorization + body': {
    method: 'POST',
    url: 'https://rs.example/outgoing-payments',
    headers: { authorization: TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({
      walletAddress: 'https://wallet.example/alice',
      quoteId: 'https://rs.example/quotes/8a9b4c2d-2f3e-4a5b-9c8d-7e6f5a4b3c2d',
      metadata: { description: 'Coffee' },
    }),
  },
};

/** Like measureOpsPerSecond, for operations that return a promise (awaited one at a time). */
async function measureAsyncOpsPerSecond(operation: () => Promise<unknown>, durationMs = DURATION_MS): Promise<number> {
  for (let i = 0; i < 200; i++) await operation();
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 20; i++) await operation();
    count += 20;
    now = process.hrtime.bigint();
  }
  return (count * 1e9) / Number(now - start);
}

/** The request as a server receives it: lower-case headers including the signature headers. */
function received(request: SignableRequest): SignableRequest {
  const headers: Record<string, string> = {};
  const all = { ...request.headers, ...signRequest(request, signingKey) };
  for (const [header, value] of Object.entries(all))
    if (typeof value === 'string') headers[header.toLowerCase()] = value;
  return { ...request, headers };
}

function theirRequest(request: SignableRequest) {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers as Record<string, string>,
    body: request.body?.toString(),
  };
}

function ratio(ours: number, theirs: number): string {
  return `${(ours / theirs).toFixed(1)}× @interledger/http-signature-utils`;
}

export async function run(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const [shape, request] of Object.entries(requests)) {
    const signOurs = measureOpsPerSecond(() => signRequest(request, signingKey), DURATION_MS);
    const signTheirs = await measureAsyncOpsPerSecond(() =>
      createHeaders({ request: theirRequest(request), privateKey: signingKey.privateKey, keyId: signingKey.keyId }),
    );
    figures.push(
      { label: `sign ${shape} (ours)`, value: signOurs, unit: 'ops/s', note: ratio(signOurs, signTheirs) },
      { label: `sign ${shape} (createHeaders)`, value: signTheirs, unit: 'ops/s' },
    );

    const signed = received(request);
    const theirs = theirRequest(signed);
    const verifyOurs = await measureAsyncOpsPerSecond(() => verifyRequestSignature(signed, publicJwk));
    // A JWK object seen for the first time each call: what ours costs without its per-object import cache.
    const verifyOursCold = await measureAsyncOpsPerSecond(() => verifyRequestSignature(signed, { ...publicJwk }));
    const verifyTheirs = await measureAsyncOpsPerSecond(async () => {
      if (!validateSignatureHeaders(theirs) || !(await validateSignature(publicJwk, theirs))) {
        throw new Error('reference validator refused a valid request');
      }
    });
    figures.push(
      { label: `verify ${shape} (ours)`, value: verifyOurs, unit: 'ops/s', note: ratio(verifyOurs, verifyTheirs) },
      {
        label: `verify ${shape} (ours, JWK imported each call)`,
        value: verifyOursCold,
        unit: 'ops/s',
        note: ratio(verifyOursCold, verifyTheirs),
      },
      { label: `verify ${shape} (validateSignature)`, value: verifyTheirs, unit: 'ops/s' },
    );
  }
  return figures;
}
