import { writeSync } from 'node:fs';

const EAGAIN_PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * One line to stdout, written at once. A worker thread that blocks in a wait never returns to its event loop,
 * so console.log there would never flush; fs.writeSync writes now, and a line this short reaches a pipe whole
 * (below PIPE_BUF), never interleaved with another thread's. If stdout is a non-blocking pipe that is full
 * (EAGAIN), it waits a millisecond and tries the rest again rather than drop the line.
 */
export function writeLine(text: string): void {
  let bytes = Buffer.from(`${text}\n`);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(EAGAIN_PAUSE, 0, 0, 1);
    }
  }
}
