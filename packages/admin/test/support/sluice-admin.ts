// A whole Sluice (every service, one process, its own database) with a signed client of its admin listener: for
// tests that need what only the full composition has, such as quotes and outgoing payments moving real money.
import type { SluiceInstance } from '../../../server/src/sluice';
import { startTestSluice } from '../../../../test-support';
import { adminClient, type AdminClient } from './admin-client';

export interface SluiceAdmin extends AdminClient {
  sluice: SluiceInstance;
  /** Base URL of the admin listener. */
  url: string;
  secret: string;
  stop(): Promise<void>;
}

/** `overrides` are configuration variables, e.g. PAYMENT_FUNDING. */
export async function startSluiceAdmin(overrides: Record<string, string> = {}): Promise<SluiceAdmin> {
  const sluice = await startTestSluice(overrides);
  const url = sluice.urls.admin as string;
  const secret = sluice.secrets.adminApiSecret;
  return { sluice, url, secret, ...adminClient(url, secret), stop: () => sluice.stop() };
}
