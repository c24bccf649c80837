import Koa from 'koa';
import { listenHttp } from '../src/http-listener';

function slowApp(delayMs: number): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
    ctx.body = 'done';
  });
  return app;
}

describe('listenHttp graceful close', () => {
  it('lets an in-flight request finish and refuses new connections', async () => {
    const listener = await listenHttp('test', slowApp(300), 0);
    const inFlight = fetch(listener.localUrl).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = listener.close(5_000);
    await expect(inFlight).resolves.toBe('done');
    await closed;
    await expect(fetch(listener.localUrl)).rejects.toThrow();
  });

  it('cuts requests that outlive the timeout', async () => {
    const listener = await listenHttp('test', slowApp(10_000), 0);
    const inFlight = fetch(listener.localUrl).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await listener.close(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(inFlight).resolves.toBe('cut');
  });
});
