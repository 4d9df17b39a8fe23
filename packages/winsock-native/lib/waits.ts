// WSAWaitForMultipleEventsAsync / SleepExAsync: the Winsock waits as Promises that never block the event loop.
// The native side registers a waiter and a delivery batch settles it by id (completions.ts); a finite timeout is
// a JS timer that withdraws the waiter (if it is still registered) and settles the wait as timed out.
import { native } from './binding.js';
import { forgetWait, registerWait } from './completions.js';
import { INFINITE, WSA_WAIT_TIMEOUT } from './constants.js';
import type { WSAEVENT } from './structs.js';

const MAX_TIMER_MS = 0x7fffffff; // setTimeout's ceiling

function requireNumber(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: argument ${arg} must be a number`);
  return value;
}

function asyncWait(
  timeoutMs: number,
  register: (poll: boolean) => number,
  mapResult: (result: number) => number,
): Promise<number> {
  const settled = register(timeoutMs === 0);
  if (settled >= 0) return Promise.resolve(mapResult(settled));
  const waiterId = -settled;
  return new Promise<number>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    registerWait(waiterId, (error, result) => {
      if (timer !== undefined) clearTimeout(timer);
      if (error !== null && error !== undefined) reject(error);
      else resolve(mapResult(result ?? WSA_WAIT_TIMEOUT));
    });
    if (timeoutMs !== INFINITE && timeoutMs !== 0) {
      timer = setTimeout(() => {
        if (!native.cancelWait(waiterId)) return; // already settled: its result is on its way
        forgetWait(waiterId);
        resolve(mapResult(WSA_WAIT_TIMEOUT));
      }, Math.min(timeoutMs, MAX_TIMER_MS));
    }
  });
}

/** WSAWaitForMultipleEvents as a Promise: same arguments, same results, never blocks. */
export function WSAWaitForMultipleEventsAsync(
  cEvents: number,
  lphEvents: WSAEVENT[],
  fWaitAll: boolean,
  dwTimeout: number,
  fAlertable: boolean,
): Promise<number> {
  requireNumber('WSAWaitForMultipleEventsAsync', 'dwTimeout', dwTimeout);
  return asyncWait(
    dwTimeout,
    (poll) => native.waitAsync(cEvents, lphEvents, fWaitAll, fAlertable, poll),
    (result) => result,
  );
}

/** SleepEx as a Promise: 0 on timeout, WAIT_IO_COMPLETION (192) after running completion routines. */
export function SleepExAsync(dwMilliseconds: number, bAlertable: boolean): Promise<number> {
  requireNumber('SleepExAsync', 'dwMilliseconds', dwMilliseconds);
  return asyncWait(
    dwMilliseconds,
    (poll) => native.sleepAsync(bAlertable, poll),
    (result) => (result === WSA_WAIT_TIMEOUT ? 0 : result),
  );
}
