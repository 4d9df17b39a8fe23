// WSAWaitForMultipleEventsAsync / SleepExAsync: the Winsock waits as Promises that never block the event loop.
// The native side registers a waiter and settles it from a delivery batch; a finite timeout is a JS timer that
// withdraws the waiter (if it is still registered) and settles the wait as timed out.
import { native, type NativeWaitCallback } from './binding.js';
import { INFINITE, WSA_WAIT_TIMEOUT } from './constants.js';
import type { WSAEVENT } from './structs.js';

const MAX_TIMER_MS = 0x7fffffff; // setTimeout's ceiling

function requireNumber(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${fn}: argument ${arg} must be a number`);
  return value;
}

function asyncWait(
  timeoutMs: number,
  register: (poll: boolean, callback: NativeWaitCallback) => number,
  mapResult: (result: number) => number,
): Promise<number> {
  let resolve!: (value: number) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<number>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let timer: NodeJS.Timeout | undefined;
  const settled = register(timeoutMs === 0, (error, result) => {
    if (timer !== undefined) clearTimeout(timer);
    if (error !== null && error !== undefined) reject(error);
    else resolve(mapResult(result ?? WSA_WAIT_TIMEOUT));
  });
  if (settled >= 0) {
    resolve(mapResult(settled));
  } else if (timeoutMs !== INFINITE && timeoutMs !== 0) {
    const waiterId = -settled;
    timer = setTimeout(() => {
      if (native.cancelWait(waiterId)) resolve(mapResult(WSA_WAIT_TIMEOUT));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
  }
  return promise;
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
    (poll, callback) => native.waitAsync(cEvents, lphEvents, fWaitAll, fAlertable, poll, callback),
    (result) => result,
  );
}

/** SleepEx as a Promise: 0 on timeout, WAIT_IO_COMPLETION (192) after running completion routines. */
export function SleepExAsync(dwMilliseconds: number, bAlertable: boolean): Promise<number> {
  requireNumber('SleepExAsync', 'dwMilliseconds', dwMilliseconds);
  return asyncWait(
    dwMilliseconds,
    (poll, callback) => native.sleepAsync(bAlertable, poll, callback),
    (result) => (result === WSA_WAIT_TIMEOUT ? 0 : result),
  );
}
