import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SluiceSecrets } from './config';

const SECRETS_FILE = 'secrets.json';

function generateSecrets(): SluiceSecrets {
  return {
    adminApiSecret: randomBytes(32).toString('base64url'),
    idpSecret: randomBytes(32).toString('base64url'),
    streamSecret: randomBytes(32).toString('base64'),
    webhookSecret: randomBytes(32).toString('base64url'),
  };
}

/**
 * Fills in the secrets the environment did not give. Generated secrets are written to DATA_DIR once and read back on
 * later starts, so tokens, STREAM credentials and signed webhooks stay valid across restarts.
 */
export async function resolveSecrets(given: Partial<SluiceSecrets>, dataDir: string): Promise<SluiceSecrets> {
  const missing = (Object.keys(generateSecrets()) as (keyof SluiceSecrets)[]).filter((key) => !given[key]);
  if (missing.length === 0) return given as SluiceSecrets;
  const path = join(dataDir, SECRETS_FILE);
  let stored: Partial<SluiceSecrets> = {};
  try {
    stored = JSON.parse(await readFile(path, 'utf8')) as Partial<SluiceSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = generateSecrets();
  const complete = { ...generated, ...stored };
  if (missing.some((key) => !stored[key])) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, JSON.stringify(complete, null, 2) + '\n', { mode: 0o600 });
  }
  return { ...complete, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value)) } as SluiceSecrets;
}
