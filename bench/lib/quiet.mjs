// A loopback bench shares two CPUs with whatever else runs (a build, a test suite). Before each run, wait
// (a bounded time) until the other processes are nearly idle, so one run is not measured against a compiler.
import { setTimeout as sleep } from 'node:timers/promises';
import { otherCpuPercent } from './proc.mjs';

const SAMPLE_MS = 300;
const QUIET_PERCENT = 20; // of one CPU
const MAX_WAIT_PER_RUN_MS = 30_000;
const MAX_WAIT_TOTAL_MS = 180_000;

export class QuietMachine {
  constructor(clockTicks, log) {
    this.clockTicks = clockTicks;
    this.log = log;
    this.waitedMs = 0;
  }

  /** Resolves once the machine is quiet, or the wait budget (per run, then in total) is spent. */
  async settle() {
    const started = Date.now();
    let announced = false;
    for (;;) {
      const busy = await otherCpuPercent(SAMPLE_MS, new Set([process.pid]), this.clockTicks);
      if (busy < QUIET_PERCENT) break;
      const waited = Date.now() - started;
      if (waited >= MAX_WAIT_PER_RUN_MS || this.waitedMs + waited >= MAX_WAIT_TOTAL_MS) {
        this.log(`  machine still busy (${Math.round(busy)} % of a CPU in other processes): measuring anyway`);
        break;
      }
      if (!announced) this.log(`  waiting for the machine to go quiet (other processes use ${Math.round(busy)} % of a CPU)`);
      announced = true;
      await sleep(1000);
    }
    this.waitedMs += Date.now() - started;
  }
}
