import { createStreamReceiver, type StreamCredentials, type StreamReceiver } from '@sluice/stream';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';

/** What a STREAM connection to one of our wallet addresses pays into, sealed in its ILP address. */
export type ConnectionTarget = { kind: 'incoming-payment'; incomingPaymentId: string } | { kind: 'spsp' };

const INCOMING_PAYMENT_TAG = 'ip~';
const SPSP_TAG = 'spsp';

export function encodeConnectionTag(target: ConnectionTarget): string {
  return target.kind === 'incoming-payment' ? `${INCOMING_PAYMENT_TAG}${target.incomingPaymentId}` : SPSP_TAG;
}

export function decodeConnectionTag(tag: string | undefined): ConnectionTarget | undefined {
  if (tag === SPSP_TAG) return { kind: 'spsp' };
  if (tag?.startsWith(INCOMING_PAYMENT_TAG)) {
    return { kind: 'incoming-payment', incomingPaymentId: tag.slice(INCOMING_PAYMENT_TAG.length) };
  }
  return undefined;
}

/**
 * SPSP connections live one segment below their wallet address (`<wallet address ILP address>.spsp.<token>`), so the
 * connector can tell Web Monetization money from an incoming payment's by the address alone and credit the account
 * each belongs to. A STREAM token is far longer than this segment, so the two never collide.
 */
const SPSP_SEGMENT = 'spsp';

/** What a packet's destination below a wallet address's ILP address is for. */
export function connectionKindAt(walletAddressIlpAddress: string, destination: string): ConnectionTarget['kind'] {
  return destination.startsWith(`${walletAddressIlpAddress}.${SPSP_SEGMENT}.`) ? 'spsp' : 'incoming-payment';
}

function serverAddressFor(walletAddressIlpAddress: string, kind: ConnectionTarget['kind']): string {
  return kind === 'spsp' ? `${walletAddressIlpAddress}.${SPSP_SEGMENT}` : walletAddressIlpAddress;
}

/**
 * One stateless STREAM receiver per wallet address ILP address (`<ILP_ADDRESS>.<segment>`, and `.spsp` below it), all from one server
 * secret: credentials can be minted and packets answered by any instance without shared state.
 */
export function createWalletAddressReceivers(deps: { streamSecret: Buffer }) {
  const receivers = new Map<string, StreamReceiver>();
  const receiverFor = (ilpAddress: string): StreamReceiver => {
    let receiver = receivers.get(ilpAddress);
    if (!receiver) {
      receiver = createStreamReceiver({ serverSecret: deps.streamSecret, serverAddress: ilpAddress });
      if (receivers.size > 10_000) receivers.clear();
      receivers.set(ilpAddress, receiver);
    }
    return receiver;
  };
  return {
    /** The receiver answering a wallet address's connections of one kind (see connectionKindAt). */
    receiverAt(walletAddressIlpAddress: string, kind: ConnectionTarget['kind']): StreamReceiver {
      return receiverFor(serverAddressFor(walletAddressIlpAddress, kind));
    },
    credentials(
      walletAddress: WalletAddress,
      target: ConnectionTarget,
      receiptSetup?: { nonce: Buffer; secret: Buffer },
    ): StreamCredentials {
      return receiverFor(serverAddressFor(walletAddress.ilpAddress, target.kind)).generateCredentials({
        connectionTag: encodeConnectionTag(target),
        asset: { code: walletAddress.assetCode, scale: walletAddress.assetScale },
        receiptSetup,
      });
    },
  };
}

export type WalletAddressReceivers = ReturnType<typeof createWalletAddressReceivers>;
