import { sign, type KeyObject } from 'node:crypto';
import {
  generateEd25519Key,
  HttpSignatureError,
  signRequest,
  type HttpSignatureErrorCode,
  type SignableRequest,
} from '@sluice/http-signatures';

export const NOW = 1_700_000_000;
export const KEY_ID = 'client-key-1';
export const TOKEN = 'GNAP OS9M2PMHKUR64TB8N6BW7OZB8CDFONP219RP1LT0';
export const BODY = JSON.stringify({
  walletAddress: 'https://wallet.example/alice',
  incomingAmount: { value: '2500', assetCode: 'USD', assetScale: 2 },
});

export const clientKey = generateEd25519Key(KEY_ID);

export function postRequest(overrides: Partial<SignableRequest> = {}): SignableRequest {
  return {
    method: 'POST',
    url: 'https://rs.example/incoming-payments?wallet-address=https%3A%2F%2Fwallet.example%2Falice',
    headers: { authorization: TOKEN, accept: 'application/json' },
    body: BODY,
    ...overrides,
  };
}

export function getRequest(overrides: Partial<SignableRequest> = {}): SignableRequest {
  return {
    method: 'GET',
    url: 'https://rs.example/incoming-payments/4f3c?x=1',
    headers: { authorization: TOKEN },
    ...overrides,
  };
}

/** The request as a receiver sees it: the caller's headers plus everything signRequest said to send. */
export function signed(request: SignableRequest, created = NOW): SignableRequest {
  const headers = signRequest(request, clientKey.signingKey, { created });
  return { ...request, headers: { ...lowercase(request.headers), ...lowercase(headers) } };
}

export function lowercase(headers: object): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (typeof value === 'string') result[name.toLowerCase()] = value;
  return result;
}

/**
 * A signature base written out by hand (RFC 9421 §2.5), independent of the package's own builder. A name already in
 * quotes is used as the full component identifier, e.g. `"authorization";bs`.
 */
export function handSign(lines: [string, string][], paramsText: string, privateKey: KeyObject): string {
  const identifier = (name: string) => (name.startsWith('"') ? name : `"${name}"`);
  const base = [
    ...lines.map(([name, value]) => `${identifier(name)}: ${value}`),
    `"@signature-params": ${paramsText}`,
  ].join('\n');
  return sign(null, Buffer.from(base), privateKey).toString('base64');
}

/** Flips one character of `text` at `index` to a different one of the same class, so the result stays well-formed. */
export function flipChar(text: string, index: number): string {
  const char = text[index];
  const replacement = char === 'a' ? 'b' : char === '0' ? '1' : char === 'A' ? 'B' : /[0-9]/.test(char) ? '0' : 'a';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

export async function expectCode(promise: Promise<unknown> | (() => unknown), code: HttpSignatureErrorCode) {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HttpSignatureError);
  expect((caught as HttpSignatureError).code).toBe(code);
}
