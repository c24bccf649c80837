// A Koa server on a free port serving a connector's /ilp, as the server package will.
import Koa from 'koa';
import { listenHttp, type HttpListener } from '../../../server/src/http-listener';
import type { Connector } from '../../src';

export async function serveConnector(connector: Connector): Promise<HttpListener & { ilpUrl: string }> {
  const app = new Koa();
  app.silent = true;
  app.use(connector.httpMiddleware());
  const listener = await listenHttp(`connector-${connector.ilpAddress}`, app, 0, '127.0.0.1');
  return { ...listener, ilpUrl: `http://127.0.0.1:${listener.port}/ilp` };
}
