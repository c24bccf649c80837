import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSluice } from '@sluice/server';
import { startTestSluice, testConfig } from '../../../test-support';

describe('startSluice', () => {
  it('runs two instances in one process, each with its own database and ports, all healthy', async () => {
    const [first, second] = await Promise.all([startTestSluice(), startTestSluice()]);
    try {
      const urls = [...Object.values(first.urls), ...Object.values(second.urls)];
      expect(urls).toHaveLength(12);
      expect(new Set(urls).size).toBe(12);
      for (const url of urls) {
        const response = await fetch(`${url}/healthz`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      }
      const [a] = await first.database.knex('sluice_instance').select('id');
      const [b] = await second.database.knex('sluice_instance').select('id');
      expect(a.id).not.toEqual(b.id);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('starts only the selected services', async () => {
    const sluice = await startTestSluice({ SLUICE_SERVICES: 'auth,admin' });
    try {
      expect(Object.keys(sluice.urls).sort()).toEqual(['admin', 'auth', 'auth-interaction', 'auth-introspection']);
    } finally {
      await sluice.stop();
    }
  });

  it('keeps embedded data and generated secrets across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-persist-'));
    const config = testConfig(`pglite://${join(dataDir, 'pgdata')}`, { DATA_DIR: dataDir });
    const first = await startSluice(config);
    await first.database.knex.schema.createTable('restart_probe', (table) => table.text('value'));
    await first.database.knex('restart_probe').insert({ value: 'still here' });
    const secretsBefore = first.secrets;
    await first.stop();

    const second = await startSluice(config);
    try {
      expect(await second.database.knex('restart_probe').select('value')).toEqual([{ value: 'still here' }]);
      expect(second.secrets).toEqual(secretsBefore);
      expect(JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).adminApiSecret).toBe(
        secretsBefore.adminApiSecret,
      );
    } finally {
      await second.stop();
    }
  });

  it('stops taking requests after stop()', async () => {
    const sluice = await startTestSluice({ SLUICE_SERVICES: 'admin' });
    const url = sluice.urls.admin!;
    await sluice.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
