// undici's own fetch, so that a guard's undici dispatcher is the one that connects (Node's built-in fetch bundles
// another undici copy).
import { fetch } from 'undici';
import type { ClientUrlGuard } from '../config';

export interface JsonFetcherOptions {
  timeoutMs?: number;
  /** Largest document accepted; wallet address documents and key sets are a few hundred bytes. */
  maxBytes?: number;
  /** Aborts every in-flight fetch when the server stops. */
  signal?: AbortSignal;
  /** Where fetches may go (AuthServerDeps.clientUrlGuard). */
  guard?: ClientUrlGuard;
}

export class FetchJsonError extends Error {
  override readonly name = 'FetchJsonError';
}

/**
 * GETs a JSON document from a client-supplied URL. Redirects are refused and size and time are bounded, because the
 * URL comes from an unauthenticated request body.
 */
export function createJsonFetcher(options: JsonFetcherOptions = {}): (url: string) => Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    if (options.guard) await options.guard.check(new URL(url));
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.any(signals),
      dispatcher: options.guard?.dispatcher,
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new FetchJsonError(`GET ${url} answered ${response.status}`);
    }
    const text = await readLimited(response, maxBytes, url);
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new FetchJsonError(`GET ${url} did not return JSON`, { cause });
    }
  };
}

async function readLimited(
  response: Awaited<ReturnType<typeof fetch>>,
  maxBytes: number,
  url: string,
): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchJsonError(`GET ${url} returned more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
