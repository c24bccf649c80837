// Runs the built CLI (npm test builds first) as an operator would.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../dist/cli.js');
const PORT_VARIABLES = [
  'OPEN_PAYMENTS_PORT',
  'ADMIN_PORT',
  'CONNECTOR_PORT',
  'AUTH_PORT',
  'AUTH_INTROSPECTION_PORT',
  'AUTH_INTERACTION_PORT',
];

function freePortsEnvironment(): Record<string, string> {
  return Object.fromEntries(PORT_VARIABLES.map((variable) => [variable, '0']));
}

function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, ...extra };
}

interface RunningCli {
  urls: Record<string, string>;
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

async function startCli(env: Record<string, string>, args: string[] = []): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: cleanEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const urls = await new Promise<Record<string, string>>((resolveUrls, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start in 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = Object.fromEntries(
        [...output.matchAll(/^\s+([a-z-]+)\s+(http:\/\/\S+)$/gm)].map((m) => [m[1], m[2]]),
      );
      if (Object.keys(found).length >= (args.length > 0 ? 1 : 6) && output.endsWith('\n')) {
        clearTimeout(timer);
        resolveUrls(found);
      }
    });
    void exit.then((code) => reject(new Error(`CLI exited with ${code}:\n${output}`)));
  });
  return { urls, exit, kill: (signal) => child.kill(signal) };
}

describe('sluice CLI', () => {
  it.each([
    ['ADMIN_PORT', 'abc'],
    ['DATABASE_URL', 'nonsense'],
  ])('exits 1 with one line naming %s when it is %s', (variable, value) => {
    const result = spawnSync(process.execPath, [CLI], {
      env: cleanEnvironment({ [variable]: value }),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });

  it('starts every service on the embedded database, stops on SIGINT with code 0, and starts again on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const env = { ...freePortsEnvironment(), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    for (let run = 0; run < 2; run++) {
      const cli = await startCli(env);
      expect(Object.keys(cli.urls).sort()).toEqual([
        'admin',
        'auth',
        'auth-interaction',
        'auth-introspection',
        'connector',
        'open-payments',
      ]);
      for (const url of Object.values(cli.urls)) {
        const response = await fetch(`${url}/healthz`);
        expect(response.status).toBe(200);
      }
      cli.kill('SIGINT');
      await expect(cli.exit).resolves.toBe(0);
    }
  }, 90_000);

  it('starts only the services named by --services', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const cli = await startCli({ ...freePortsEnvironment(), DATA_DIR: dataDir, DATABASE_URL: 'pglite://memory' }, [
      '--services',
      'connector',
    ]);
    expect(Object.keys(cli.urls)).toEqual(['connector']);
    cli.kill('SIGTERM');
    await expect(cli.exit).resolves.toBe(0);
  }, 60_000);
});
