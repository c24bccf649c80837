// An in-memory link between our StreamConnection (client) and an ilp-protocol-stream Server, both ways: our Prepares
// go to the handler the server registered, and the server's Prepares for the client's address go to our connection
// (ilp-protocol-stream servers send data to clients only in Prepares of their own). Real ILP bytes cross it.
import * as Ref from 'ilp-packet';
import * as ILDCP from 'ilp-protocol-ildcp';
import type { IlpPrepare, IlpReply } from '../../src/ilp';
import {
  deserializeReply,
  fromReferencePrepare,
  serializeReply,
  toReferencePrepare,
  type SendPrepare,
  type TestPlugin,
} from './ilp-link';

export interface DuplexLink {
  /** Give this to the server (createServer({ plugin })). */
  plugin: TestPlugin;
  /** Give this to our connection. */
  sendPrepare: SendPrepare;
  /** Where the server's Prepares for `clientAddress` go: set it to the connection's handlePrepare. */
  deliverToClient?: (prepare: IlpPrepare) => Promise<IlpReply>;
  /** Prepares the server sent to the client. */
  serverPrepares: IlpPrepare[];
}

export function duplexLink(serverAddress: string, clientAddress: string): DuplexLink {
  let handler: ((data: Buffer) => Promise<Buffer>) | undefined;
  let connected = false;
  const link: DuplexLink = {
    serverPrepares: [],
    plugin: {
      async connect() {
        connected = true;
      },
      async disconnect() {
        connected = false;
      },
      isConnected: () => connected,
      async sendData(data) {
        const prepare = Ref.deserializeIlpPrepare(data);
        if (prepare.destination === 'peer.config') {
          return ILDCP.serializeIldcpResponse({ clientAddress: serverAddress, assetCode: 'USD', assetScale: 2 });
        }
        const ours = fromReferencePrepare(prepare);
        link.serverPrepares.push(ours);
        if (!prepare.destination.startsWith(clientAddress) || !link.deliverToClient) {
          return serializeReply({ code: 'F02', triggeredBy: serverAddress, message: '', data: Buffer.alloc(0) });
        }
        return serializeReply(await link.deliverToClient(ours));
      },
      registerDataHandler(h) {
        handler = h;
      },
      deregisterDataHandler() {
        handler = undefined;
      },
    },
    async sendPrepare(prepare) {
      if (!handler) throw new Error('no data handler registered');
      return deserializeReply(await handler(Ref.serializeIlpPrepare(toReferencePrepare(prepare))));
    },
  };
  return link;
}
