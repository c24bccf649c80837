// Two live instances peered over ILP over HTTP in one asset, as two operators would set it up: the payer forwards to
// the payee's connector and settles from its own liquidity in that asset; the payee extends the payer credit.
import type { SluiceInstance } from '@sluice/server';
import { ensureAsset } from './open-payments';

export async function peerInstances(
  payer: SluiceInstance,
  payee: SluiceInstance,
  options: { assetCode: string; assetScale: number; credit: bigint },
): Promise<void> {
  const payerConnector = payer.services.connector!;
  const payeeConnector = payee.services.connector!;
  const toPayee = `${payerConnector.ilpAddress}-to-${payeeConnector.ilpAddress}`;
  const toPayer = `${payeeConnector.ilpAddress}-to-${payerConnector.ilpAddress}`;
  await payerConnector.createPeer({
    assetId: await ensureAsset(payer, options.assetCode, options.assetScale),
    staticIlpAddress: payeeConnector.ilpAddress,
    http: {
      incoming: { authTokens: [toPayer] },
      outgoing: { authToken: toPayee, endpoint: `${payee.urls.connector}/ilp` },
    },
  });
  await payeeConnector.createPeer({
    assetId: await ensureAsset(payee, options.assetCode, options.assetScale),
    staticIlpAddress: payerConnector.ilpAddress,
    creditLimit: options.credit,
    http: {
      incoming: { authTokens: [toPayee] },
      outgoing: { authToken: toPayer, endpoint: `${payer.urls.connector}/ilp` },
    },
  });
}
