// `node --import ./preload/loop-delay.mjs server.js`: event-loop delay of the server under test, measured
// inside its own process, over exactly the window the runner chooses.
//
// Each SIGUSR2 appends one JSON line with the histogram since the previous SIGUSR2 (or since start) to the
// file named by BENCH_LOOP_DELAY_FILE, then resets the histogram. The runner signals at the start of the
// steady window (that line is discarded: the reset is the point) and at its end (that line is the window).
// Nothing is printed to stdout: the runner parses the server's own output. Without the variable it does nothing.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_DELAY_FILE;

// A timer every millisecond, so stalls of a few ms show (the default 10 ms would hide them).
const RESOLUTION_MS = 1;

if (file) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let dump = 0;
  // The histogram records the whole time between two timer callbacks, the 1 ms it was asked to wait
  // included: an idle loop reads ~1.05 ms. The delay is what comes on top of that.
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('SIGUSR2', () => {
    dump += 1;
    const line = {
      dump,
      samples: histogram.count,
      p50_ms: ms(histogram.percentile(50)),
      p99_ms: ms(histogram.percentile(99)),
      max_ms: ms(histogram.max),
    };
    histogram.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch (error) {
      process.stderr.write(`loop-delay preload: cannot write ${file}: ${error.message}\n`);
    }
  });
}
