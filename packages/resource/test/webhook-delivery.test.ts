import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createTestDatabase, isRafikiSigned, type TestDatabase } from '../../../test-support';
import { recordWebhookEvent, WEBHOOK_EVENTS_CHANNEL, writeWithWebhookEvent } from '../src/webhooks/webhook-events';
import { createWebhookDelivery } from '../src/webhooks/webhook-delivery';

const SECRET = 'webhook-secret';

/** The operator's webhook endpoint: verifies the signature as a Rafiki integration does, fails on demand. */
function startOperator(failFirst: number) {
  const received: { body: Record<string, unknown>; valid: boolean; path?: string }[] = [];
  let calls = 0;
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      calls++;
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push({
        body,
        valid: isRafikiSigned(body, request.headers['rafiki-signature'], SECRET),
        path: request.url,
      });
      response.statusCode = calls <= failFirst ? 500 : 200;
      response.end();
    });
  });
  return new Promise<{ url: string; received: typeof received; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks?from=sluice`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook delivery', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db.drop());

  /** A delivery to `webhookUrl`, polling every 50 ms unless `options` say otherwise. */
  const deliveryTo = (webhookUrl: string, options: { pollIntervalMs?: number; timeoutMs?: number } = {}) =>
    createWebhookDelivery({
      knex: db.knex,
      logger: pino({ level: 'silent' }),
      webhookUrl,
      secret: SECRET,
      pollIntervalMs: 50,
      ...options,
    });

  it('delivers signed events, retrying failures with backoff, and keeps the log', async () => {
    const operator = await startOperator(1);
    const delivery = deliveryTo(operator.url);
    const id = await recordWebhookEvent(db.knex, 'incoming_payment.completed', {
      id: 'p1',
      receivedAmount: { value: '5' },
    });
    delivery.start();
    try {
      await until(async () => Boolean((await db.knex('webhook_events').where('id', id).first()).delivered_at));
    } finally {
      await delivery.stop();
      await operator.close();
    }
    expect(operator.received).toHaveLength(2);
    expect(operator.received.every((call) => call.valid)).toBe(true);
    // Posted to the configured URL's path and query.
    expect(operator.received.map((call) => call.path)).toEqual(['/webhooks?from=sluice', '/webhooks?from=sluice']);
    expect(operator.received[1].body).toEqual({
      id,
      type: 'incoming_payment.completed',
      data: { id: 'p1', receivedAmount: { value: '5' } },
    });
    const row = await db.knex('webhook_events').where('id', id).first();
    expect(row).toMatchObject({ attempts: 2, status_code: 200, last_error: null, next_attempt_at: null });
  });

  it('records the failure and schedules a retry when the operator is unreachable', async () => {
    const delivery = deliveryTo('http://127.0.0.1:9/unreachable', { timeoutMs: 500 });
    const id = await recordWebhookEvent(db.knex, 'outgoing_payment.failed', { id: 'p2' });
    delivery.start();
    try {
      await until(async () => (await db.knex('webhook_events').where('id', id).first()).attempts >= 1);
    } finally {
      await delivery.stop();
    }
    const row = await db.knex('webhook_events').where('id', id).first();
    expect(row.delivered_at).toBeNull();
    expect(row.last_error).toBeTruthy();
    expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('delivers an event as soon as its transaction commits, without waiting for the next poll', async () => {
    const operator = await startOperator(0);
    // Polling alone would take an hour: only the commit's NOTIFY can start this delivery in time.
    const delivery = deliveryTo(operator.url, { pollIntervalMs: 3_600_000 });
    delivery.start();
    // The first poll runs at start; let it find nothing before the event exists.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const unlisten = await db.database.listen(WEBHOOK_EVENTS_CHANNEL, () => delivery.wake());
    try {
      const id = await db.knex.transaction(async (trx) => {
        const recorded = await recordWebhookEvent(trx, 'outgoing_payment.created', { id: 'p3' });
        // Not before the commit: the event is not visible yet, and a rollback must never be announced.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(operator.received).toHaveLength(0);
        return recorded;
      });
      await until(async () => Boolean((await db.knex('webhook_events').where('id', id).first()).delivered_at), 5_000);
      expect(operator.received.map((call) => call.body.id)).toEqual([id]);
    } finally {
      await unlisten();
      await delivery.stop();
      await operator.close();
    }
  });

  it('announces nothing for an event whose transaction rolls back', async () => {
    let notified = 0;
    const unlisten = await db.database.listen(WEBHOOK_EVENTS_CHANNEL, () => notified++);
    try {
      await expect(
        db.knex.transaction(async (trx) => {
          await recordWebhookEvent(trx, 'outgoing_payment.failed', { id: 'p4' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // A committed event afterwards proves the listener works, and that it saw only that one.
      await recordWebhookEvent(db.knex, 'outgoing_payment.failed', { id: 'p5' });
      await until(async () => notified > 0, 5_000);
      expect(notified).toBe(1);
      expect(
        await db
          .knex('webhook_events')
          .where('data', '@>', JSON.stringify({ id: 'p4' }))
          .first(),
      ).toBeUndefined();
    } finally {
      await unlisten();
    }
  });

  it('posts an event written already claimed when it is handed over, and leaves it to others once the claim runs out', async () => {
    await db.knex.raw(
      'CREATE TABLE IF NOT EXISTS claimed_probe (id text PRIMARY KEY, created_at timestamptz DEFAULT now())',
    );
    const operator = await startOperator(0);
    const delivery = deliveryTo(operator.url);
    const write = (id: string, seconds: number) =>
      writeWithWebhookEvent<{ id: string }>(
        db.knex,
        { sql: 'INSERT INTO claimed_probe (id) VALUES (?) RETURNING *', bindings: [id] },
        'outgoing_payment.completed',
        { id },
        { createdAt: 'created_at' },
        { seconds },
      );
    const deliveredAt = async (eventId: string) =>
      (await db.knex('webhook_events').where('id', eventId).first()).delivered_at as Date | null;
    delivery.start();
    try {
      const handed = await write('p6', delivery.claimSeconds);
      expect(handed?.row).toMatchObject({ id: 'p6' });
      const event = handed!.event!;
      // Claimed: the delivery's own polling leaves it alone.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await deliveredAt(event.id)).toBeNull();
      delivery.deliverClaimed(event);
      await until(async () => Boolean(await deliveredAt(event.id)));
      // (Events the other tests left due go to this operator too: only ours are looked at.)
      const ourIds = new Set([event.id]);
      const ours = () => operator.received.filter((call) => ourIds.has(call.body.id as string));
      expect(ours().map((call) => call.body)).toEqual([
        { id: event.id, type: 'outgoing_payment.completed', data: { id: 'p6', createdAt: expect.any(String) } },
      ]);
      expect(ours()[0].valid).toBe(true);

      // Never handed over (the process died): delivered by polling once its claim ran out.
      const orphanId = (await write('p7', 0.3))!.event!.id;
      ourIds.add(orphanId);
      await until(async () => Boolean(await deliveredAt(orphanId)));
      expect(ours().map((call) => call.body.id)).toEqual([event.id, orphanId]);
    } finally {
      await delivery.stop();
      await operator.close();
    }
  });

  it('marks the events delivered close together in one statement, and those left when it stops', async () => {
    const operator = await startOperator(0);
    const delivery = deliveryTo(operator.url, { pollIntervalMs: 60_000 });
    const marks: string[] = [];
    const record = (query: { sql: string }) => {
      if (/^\s*UPDATE webhook_events\s+SET attempts = attempts \+ 1/.test(query.sql)) marks.push(query.sql);
    };
    const written = async (id: string) =>
      (await writeWithWebhookEvent<{ id: string }>(
        db.knex,
        { sql: 'INSERT INTO claimed_probe (id) VALUES (?) RETURNING *', bindings: [id] },
        'incoming_payment.created',
        { id },
        { createdAt: 'created_at' },
        { seconds: delivery.claimSeconds },
      ))!.event!;
    await db.knex.raw(
      'CREATE TABLE IF NOT EXISTS claimed_probe (id text PRIMARY KEY, created_at timestamptz DEFAULT now())',
    );
    delivery.start();
    db.knex.on('query', record);
    try {
      const events = await Promise.all(['m1', 'm2', 'm3', 'm4'].map(written));
      for (const event of events) delivery.deliverClaimed(event);
      const delivered = () =>
        db
          .knex('webhook_events')
          .whereIn(
            'id',
            events.map((event) => event.id),
          )
          .whereNotNull('delivered_at');
      await until(async () => (await delivered()).length === events.length);
      expect(marks).toHaveLength(1);
      // Handed over just before stopping: posted, and marked by the stop.
      const last = await written('m5');
      delivery.deliverClaimed(last);
      await delivery.stop();
      expect(await db.knex('webhook_events').where('id', last.id).first()).toMatchObject({
        attempts: 1,
        status_code: 200,
        delivered_at: expect.any(Date),
      });
    } finally {
      db.knex.off('query', record);
      await delivery.stop();
      await operator.close();
    }
  });
});
