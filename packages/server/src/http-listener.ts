import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type Koa from 'koa';

export interface HttpListener {
  name: string;
  port: number;
  /** http://localhost:<port>, for logs and as the default public URL. */
  localUrl: string;
  /** Stops accepting connections, lets in-flight requests finish for up to `timeoutMs`, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

/** Serves `app` on `port` (0 = any free port) and keeps count of in-flight requests for a bounded graceful stop. */
export async function listenHttp(name: string, app: Koa, port: number, host?: string): Promise<HttpListener> {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Composed once: app.callback() builds the whole middleware chain anew on every call. Middleware added to `app`
  // after this is not served (routes that arrive later go through createServiceAppWithRoutes instead).
  const handle = app.callback();
  const server: Server = createServer((request, response) => {
    inFlight++;
    response.on('close', () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    });
    void handle(request, response);
  });
  // Keep-alive sockets would hold close() open; they are closed as soon as they are idle.
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  return {
    name,
    port: boundPort,
    localUrl: `http://localhost:${boundPort}`,
    close: async (timeoutMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
