// CPU time per operation, read from Linux's /proc: of this process's main thread (the server's event loop, since the
// benchmarks run the server in it and the load in worker threads) and of the whole machine (server, PostgreSQL, load,
// everything). Throughput on a shared 2-core machine moves 10–35 % with the machine's phase; these move less, and
// say where a change saved CPU. Undefined where /proc is not there.
import { readFileSync } from 'node:fs';

// Linux reports CPU times in clock ticks, 100 a second on every common build.
const TICKS_PER_SECOND = 100;

function readTicks(): { mainThread: number; machineBusy: number } | undefined {
  try {
    const thread = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: utime and stime are 14 and 15.
    const fields = thread.slice(thread.lastIndexOf(')') + 2).split(' ');
    const mainThread = Number(fields[11]) + Number(fields[12]);
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
    const machineBusy = cpu.reduce((sum, value) => sum + value, 0) - cpu[3] - cpu[4];
    return Number.isFinite(mainThread) && Number.isFinite(machineBusy) ? { mainThread, machineBusy } : undefined;
  } catch {
    return undefined;
  }
}

/** Starts counting; `perOperation(n)` describes the CPU spent since, per operation, or is undefined without /proc. */
export function startCpuMeter(): { perOperation(operations: number): string | undefined } {
  const start = readTicks();
  return {
    perOperation(operations) {
      const end = readTicks();
      if (!start || !end || operations <= 0) return undefined;
      const ms = (ticks: number) => ((ticks * 1000) / TICKS_PER_SECOND / operations).toFixed(2);
      return `CPU each: server main thread ${ms(end.mainThread - start.mainThread)} ms, machine ${ms(end.machineBusy - start.machineBusy)} ms`;
    },
  };
}
