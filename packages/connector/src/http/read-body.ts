// Reads a request or response body into one Buffer, refusing more than `limit` bytes (a Prepare is at most ~34 KB).
import type { Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  readonly code = 'body_too_large';

  constructor(limit: number) {
    super(`body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * On overflow, 'drain' keeps reading and discarding the rest (so an HTTP server can still answer 413 on a
 * keep-alive connection; Node's request timeout bounds how long), 'destroy' drops the stream at once (a peer's
 * response we no longer want).
 */
export function readBody(
  stream: Readable,
  limit: number,
  onOverflow: 'drain' | 'destroy' = 'destroy',
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let overflowed = false;
    stream.on('data', (chunk: Buffer | string) => {
      if (overflowed) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      length += buffer.length;
      if (length > limit) {
        overflowed = true;
        chunks.length = 0;
        if (onOverflow === 'destroy') stream.destroy();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(buffer);
    });
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length)));
    stream.once('error', reject);
    stream.once('close', () => {
      if (!overflowed) reject(new Error('stream closed before its end'));
    });
  });
}
