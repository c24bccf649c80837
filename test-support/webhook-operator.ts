// A live operator webhook endpoint for end-to-end tests: keeps every event it receives with whether its
// Rafiki-Signature checks out, and answers 200 once the test's own handling of the event (if any) is done.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRafikiSigned } from './webhook-signature';

export interface ReceivedWebhookEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  signed: boolean;
}

export interface WebhookOperatorEndpoint {
  url: string;
  received: ReceivedWebhookEvent[];
  close(): Promise<void>;
}

export function startWebhookOperatorEndpoint(
  secret: string,
  onEvent: (event: ReceivedWebhookEvent) => Promise<unknown> = async () => undefined,
): Promise<WebhookOperatorEndpoint> {
  const received: ReceivedWebhookEvent[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<ReceivedWebhookEvent, 'signed'>;
      const event = { ...body, signed: isRafikiSigned(body, request.headers['rafiki-signature'], secret) };
      received.push(event);
      void onEvent(event).finally(() => {
        response.statusCode = 200;
        response.end();
      });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}
