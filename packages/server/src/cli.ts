// `npm start [-- --services auth,resource]`: starts Sluice from environment variables and stops it cleanly on a signal.
import { ConfigError, loadConfig } from './config';
import { startSluice } from './sluice';

function readServicesArgument(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--services') return argv[i + 1] ?? '';
    if (argument.startsWith('--services=')) return argument.slice('--services='.length);
  }
  return undefined;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, { services: readServicesArgument(process.argv.slice(2)) });
  // Signals are handled from the very start: one that arrives while starting stops the instance once it is up.
  let signals = 0;
  const starting = startSluice(config);
  const shutdown = (signal: string) => {
    signals++;
    if (signals > 1) process.exit(1);
    starting
      .then(async (sluice) => {
        sluice.logger.info({ signal }, 'shutting down');
        await sluice.stop();
        process.exit(0);
      })
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const sluice = await starting;
  const database = sluice.database.kind === 'pglite' ? `embedded PostgreSQL (${config.databaseUrl})` : 'PostgreSQL';
  console.log(`Sluice is running on ${database}:`);
  for (const [name, url] of Object.entries(sluice.urls)) console.log(`  ${name.padEnd(20)} ${url}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Invalid configuration: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
