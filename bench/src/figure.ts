export interface BenchFigure {
  /** What was measured, e.g. "Prepare encode+decode (ours)". */
  label: string;
  value: number;
  unit: string;
  /** Optional comparison, e.g. "3.4× ilp-packet". */
  note?: string;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export function printFigures(figures: BenchFigure[]): void {
  const width = Math.max(...figures.map((figure) => figure.label.length), 10);
  for (const figure of figures) {
    const value = figure.value >= 100 ? Math.round(figure.value).toLocaleString('en-US') : figure.value.toFixed(2);
    console.log(
      `${figure.label.padEnd(width)}  ${value.padStart(12)} ${figure.unit}${figure.note ? `  (${figure.note})` : ''}`,
    );
  }
}

/** Calls `operation` repeatedly for about `durationMs` and returns operations per second. */
export function measureOpsPerSecond(operation: () => void, durationMs = 1000): number {
  for (let i = 0; i < 1000; i++) operation();
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 100; i++) operation();
    count += 100;
    now = process.hrtime.bigint();
  }
  return (count * 1e9) / Number(now - start);
}
