// Runs every benchmark module (bench/src/*.bench.ts, compiled to dist) and prints its figures.
// A benchmark module exports `name` and `run(): Promise<BenchFigure[]>`; figures compare ours with the reference
// libraries measured in the same run, so ratios are meaningful on whatever machine runs them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchModule } from './figure';
import { printFigures } from './figure';

async function main(): Promise<void> {
  // Node's built-in fetch (the official SDK's) takes the dispatcher of whichever undici loads first; undici 7, which our
  // packages load, refuses the SDK's signed POSTs (explicit content-length) through it. So the built-in one goes first.
  await fetch('data:,');
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.js'))
    .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
    .sort();
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench = require(join(__dirname, file)) as BenchModule;
    console.log(`\n## ${bench.name}`);
    printFigures(await bench.run());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
