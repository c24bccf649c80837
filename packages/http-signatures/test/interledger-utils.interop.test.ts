// Interop with @interledger/http-signature-utils 2.0.3, the library the official Open Payments SDK signs with and
// Rafiki verifies with. Requests are built the way @interledger/open-payments 7.4.0 builds them: a fetch Request,
// whose method, url, headers and JSON body are handed to createHeaders, and whose headers then get the results.
import {
  createHeaders,
  generateJwk,
  generateKey,
  getKeyId,
  validateSignature,
  validateSignatureHeaders,
  type RequestLike,
} from '@interledger/http-signature-utils';
import {
  exportPublicJwk,
  generateEd25519Key,
  getSignatureKeyId,
  isEd25519Jwk,
  signRequest,
  verifyRequestSignature,
  type HttpSignatureErrorCode,
  type SignableRequest,
} from '@sluice/http-signatures';
import { expectCode } from './fixtures';

const KEY_ID = 'interop-key';
const TOKEN = 'GNAP 8Q4V0IQ4RHZSC5JW0QX3GWRG7TL1ZA2ZNTMY2H5S';
const { signingKey, publicJwk } = generateEd25519Key(KEY_ID);

interface Scenario {
  name: string;
  method: string;
  url: string;
  token?: string;
  body?: object;
}

const scenarios: Scenario[] = [
  { name: 'GET with Authorization', method: 'GET', url: 'https://rs.example/incoming-payments/7d1c?x=1', token: TOKEN },
  {
    name: 'POST with body and Authorization',
    method: 'POST',
    url: 'https://rs.example/incoming-payments',
    token: TOKEN,
    body: {
      walletAddress: 'https://wallet.example/alice',
      incomingAmount: { value: '100', assetCode: 'EUR', assetScale: 2 },
    },
  },
  {
    name: 'POST with body and no Authorization (grant request)',
    method: 'POST',
    url: 'https://auth.example/',
    body: {
      access_token: { access: [{ type: 'quote', actions: ['create', 'read'] }] },
      client: 'https://wallet.example/bob',
    },
  },
  {
    name: 'POST with a non-ASCII body',
    method: 'POST',
    url: 'https://rs.example/quotes',
    token: TOKEN,
    body: { walletAddress: 'https://wallet.example/zoë', receiver: 'https://rs.example/incoming-payments/€' },
  },
  {
    name: 'DELETE with Authorization (revocation)',
    method: 'DELETE',
    url: 'https://auth.example/token/abc',
    token: TOKEN,
  },
];

/** The fetch Request the SDK's ky client would send: JSON bodies always carry Content-Type application/json. */
function fetchRequest(scenario: Scenario): Request {
  const headers = new Headers({ Accept: 'application/json' });
  if (scenario.token !== undefined) headers.set('Authorization', scenario.token);
  if (scenario.body !== undefined) headers.set('Content-Type', 'application/json');
  return new Request(scenario.url, {
    method: scenario.method,
    headers,
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
  });
}

/** What @interledger/open-payments' signRequest does to an outgoing request, returned as the server receives it. */
async function signedByOfficialClient(scenario: Scenario): Promise<SignableRequest> {
  const request = fetchRequest(scenario);
  const json = request.body ? await request.clone().json() : undefined;
  const headers = await createHeaders({
    request: {
      method: request.method.toUpperCase(),
      url: request.url,
      headers: Object.fromEntries(request.headers.entries()),
      body: json ? JSON.stringify(json) : undefined,
    },
    privateKey: signingKey.privateKey,
    keyId: KEY_ID,
  });
  if (json) {
    request.headers.set('Content-Digest', headers['Content-Digest'] as string);
    request.headers.set('Content-Length', headers['Content-Length'] as string);
    request.headers.set('Content-Type', headers['Content-Type'] as string);
  }
  request.headers.set('Signature', headers.Signature);
  request.headers.set('Signature-Input', headers['Signature-Input']);
  const body = await request.text();
  return {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers.entries()),
    body: body === '' ? undefined : body,
  };
}

/** Our signer used like a client would: the returned headers are set on the request, which the server receives. */
function signedByUs(scenario: Scenario): SignableRequest {
  const request = fetchRequest(scenario);
  const body = scenario.body === undefined ? undefined : JSON.stringify(scenario.body);
  const outgoing: SignableRequest = {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers.entries()),
    body,
  };
  for (const [name, value] of Object.entries(signRequest(outgoing, signingKey))) request.headers.set(name, value);
  return { ...outgoing, headers: Object.fromEntries(request.headers.entries()) };
}

/** The RequestLike Rafiki hands the validator: lower-case headers (Node/Koa), body as a string. */
function asRequestLike(request: SignableRequest): RequestLike {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  return { method: request.method, url: request.url, headers, body: request.body?.toString() };
}

async function officialValidatorAccepts(request: SignableRequest): Promise<boolean> {
  const requestLike = asRequestLike(request);
  return validateSignatureHeaders(requestLike) && (await validateSignature(publicJwk, requestLike));
}

interface Tamper {
  part: string;
  applies: (scenario: Scenario) => boolean;
  change: (request: SignableRequest) => SignableRequest;
  /** What ours must answer: the digest check runs before the signature check. */
  code: HttpSignatureErrorCode;
}

const always = () => true;
const withBody = (scenario: Scenario) => scenario.body !== undefined;

/** One changed byte (or bit) in each covered part of a received request. */
const tampers: Tamper[] = [
  {
    part: 'method',
    applies: always,
    change: (r) => ({ ...r, method: r.method === 'POST' ? 'PUT' : 'POST' }),
    code: 'invalid_signature',
  },
  {
    part: 'URL path',
    applies: (s) => new URL(s.url).pathname.length > 1,
    change: (r) => editUrl(r, (u) => (u.pathname = flipLast(u.pathname))),
    code: 'invalid_signature',
  },
  {
    part: 'URL query',
    applies: (s) => s.url.includes('?'),
    change: (r) => editUrl(r, (u) => (u.search = flipLast(u.search))),
    code: 'invalid_signature',
  },
  {
    part: 'URL host',
    applies: always,
    change: (r) => editUrl(r, (u) => (u.hostname = `x${u.hostname.slice(1)}`)),
    code: 'invalid_signature',
  },
  {
    part: 'URL scheme',
    applies: always,
    change: (r) => editUrl(r, (u) => (u.protocol = 'http:')),
    code: 'invalid_signature',
  },
  {
    part: 'authorization',
    applies: (s) => s.token !== undefined,
    change: (r) => setHeader(r, 'authorization', flipLast(String(r.headers.authorization))),
    code: 'invalid_signature',
  },
  {
    part: 'body',
    applies: withBody,
    change: (r) => ({ ...r, body: flipLast(String(r.body).slice(0, -1)) + '}' }),
    code: 'digest_mismatch',
  },
  {
    part: 'content-type',
    applies: withBody,
    change: (r) => setHeader(r, 'content-type', 'application/jsoN'),
    code: 'invalid_signature',
  },
  {
    part: 'content-length',
    applies: withBody,
    change: (r) => setHeader(r, 'content-length', flipLast(String(r.headers['content-length']))),
    code: 'invalid_signature',
  },
  {
    part: 'content-digest',
    applies: withBody,
    change: (r) => setHeader(r, 'content-digest', flipBase64(String(r.headers['content-digest']))),
    code: 'digest_mismatch',
  },
  {
    part: 'signature',
    applies: always,
    change: (r) => setHeader(r, 'signature', flipBase64(String(r.headers.signature))),
    code: 'invalid_signature',
  },
  {
    part: 'signature-input created',
    applies: always,
    change: (r) =>
      setHeader(
        r,
        'signature-input',
        String(r.headers['signature-input']).replace(/created=(\d+)/, (_, n: string) => `created=${Number(n) - 1}`),
      ),
    code: 'invalid_signature',
  },
];

const cases = scenarios.flatMap((scenario) =>
  tampers.filter((tamper) => tamper.applies(scenario)).map((tamper) => ({ ...tamper, scenario, name: scenario.name })),
);

describe('requests signed by @interledger/http-signature-utils createHeaders', () => {
  it.each(scenarios)('verify with ours: $name', async (scenario) => {
    const request = await signedByOfficialClient(scenario);
    expect(String(request.headers['signature-input'])).toMatch(/^sig1=\("@method" "@target-uri"/);
    const result = await verifyRequestSignature(request, publicJwk);
    expect(result.keyId).toBe(KEY_ID);
    expect(result.components.includes('authorization')).toBe(scenario.token !== undefined);
    expect(result.components.includes('content-digest')).toBe(scenario.body !== undefined);
    // Sanity: the reference validator accepts what the reference signer made.
    await expect(officialValidatorAccepts(request)).resolves.toBe(true);
  });

  it.each(cases)('$name, changed $part: refused by ours', async ({ scenario, change, code }) => {
    await expectCode(verifyRequestSignature(change(await signedByOfficialClient(scenario)), publicJwk), code);
  });

  it('and our key id reader agrees with theirs', async () => {
    const request = await signedByOfficialClient(scenarios[1]);
    expect(getSignatureKeyId(request.headers)).toBe(getKeyId(String(request.headers['signature-input'])));
  });
});

describe('requests signed by ours', () => {
  it.each(scenarios)('verify with validateSignatureHeaders + validateSignature: $name', async (scenario) => {
    const request = signedByUs(scenario);
    await expect(officialValidatorAccepts(request)).resolves.toBe(true);
    await expect(verifyRequestSignature(request, publicJwk)).resolves.toMatchObject({ keyId: KEY_ID });
  });

  it('produce the same headers as createHeaders apart from the signature bytes', async () => {
    for (const scenario of scenarios) {
      const theirs = await signedByOfficialClient(scenario);
      const ours = signedByUs(scenario);
      const strip = (request: SignableRequest) => {
        const { signature: _signature, ...rest } = request.headers;
        return { ...rest, 'signature-input': String(rest['signature-input']).replace(/created=\d+/, 'created=X') };
      };
      expect(strip(ours)).toEqual(strip(theirs));
    }
  });

  it.each(cases)('$name, changed $part: refused by theirs', async ({ scenario, change }) => {
    await expect(officialValidatorAccepts(change(signedByUs(scenario)))).resolves.toBe(false);
  });
});

describe('where the two differ', () => {
  it('a second signature beside sig1: ours verifies sig1, their string-splitting validator refuses', async () => {
    const request = signedByUs(scenarios[0]);
    const withProxy = {
      ...request,
      headers: {
        ...request.headers,
        'signature-input': `${request.headers['signature-input']}, proxy=("@method");keyid="proxy";created=1`,
        signature: `${request.headers.signature}, proxy=:${Buffer.alloc(64).toString('base64')}:`,
      },
    };
    await expect(verifyRequestSignature(withProxy, publicJwk)).resolves.toMatchObject({ keyId: KEY_ID });
    await expect(officialValidatorAccepts(withProxy)).resolves.toBe(false);
  });

  it('created long ago: theirs does not check freshness, ours refuses', async () => {
    const request = signedByUs(scenarios[0]);
    const now = Math.floor(Date.now() / 1000) + 3600;
    await expectCode(verifyRequestSignature(request, publicJwk, { now }), 'signature_expired');
    await expect(officialValidatorAccepts(request)).resolves.toBe(true);
  });
});

describe('JWKs', () => {
  it('generateJwk and exportPublicJwk agree on the same private key', () => {
    const theirs = generateJwk({ privateKey: signingKey.privateKey, keyId: KEY_ID });
    expect(exportPublicJwk(signingKey.privateKey, KEY_ID)).toEqual(theirs);
    expect(isEd25519Jwk(theirs)).toBe(true);
  });

  it('a key made by their generateKey + generateJwk signs and verifies with ours', async () => {
    const privateKey = generateKey();
    const theirJwk = generateJwk({ privateKey, keyId: 'their-key' });
    expect(isEd25519Jwk(theirJwk)).toBe(true);
    const request: SignableRequest = {
      method: 'GET',
      url: 'https://rs.example/quotes/1',
      headers: { authorization: TOKEN },
    };
    const headers = signRequest(request, { keyId: 'their-key', privateKey });
    const received = { ...request, headers: { ...request.headers, ...headers } };
    await expect(verifyRequestSignature(received, theirJwk)).resolves.toMatchObject({ keyId: 'their-key' });
    await expectCode(verifyRequestSignature(received, publicJwk), 'unknown_key');
  });
});

function editUrl(request: SignableRequest, edit: (url: URL) => void): SignableRequest {
  const url = new URL(request.url);
  edit(url);
  expect(url.href).not.toBe(request.url);
  return { ...request, url: url.href };
}

/** Changes the last character to another URL-, header- and JSON-safe one. */
function flipLast(text: string): string {
  const last = text.slice(-1);
  return text.slice(0, -1) + (last === 'a' ? 'b' : last === '1' ? '2' : /[0-9]/.test(last) ? '1' : 'a');
}

function setHeader(request: SignableRequest, name: string, value: string): SignableRequest {
  return { ...request, headers: { ...request.headers, [name]: value } };
}

/** Changes one bit of the byte sequence in `label=:...:`, keeping the header well-formed. */
function flipBase64(header: string): string {
  const [, prefix, encoded] = /^(.*?=:)([^:]*):$/.exec(header) ?? [];
  const bytes = Buffer.from(encoded, 'base64');
  bytes[0] ^= 0x01;
  return `${prefix}${bytes.toString('base64')}:`;
}
