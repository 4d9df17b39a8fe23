import {
  DWORD, SOCKET_ERROR, WSABUF, WSAGetLastError, WSAOVERLAPPED, WSASend, WSAWaitForMultipleEventsAsync,
  WSA_INFINITE, WSA_IO_PENDING,
} from '@overlapped/winsock-native';
import { performance } from 'node:perf_hooks';
import { sendFailure } from './send-failure.js';
import type { SendLoopContext, SendLoopResult } from './send-loop.js';

/**
 * The lecture's DummyClient has only the event model; this is its send loop in the lecture's callback model
 * (the GameServer's RecvCallback, turned round): WSASend with a completion routine that prints "Send Len",
 * and alertable waits in which the routines run.
 *
 * Both waits are on the stop event, alertable, so a routine or Ctrl-C ends them: the pending send's wait
 * lasts until its routine has run; the 10 ms sleep runs the routine of a send that completed at once (on
 * Windows it is queued all the same) and then sleeps out the rest of the interval. Async forms, because the
 * blocking ones would freeze Node's only JS thread and Ctrl-C could never be handled.
 */
export async function callbackSendLoop(ctx: SendLoopContext): Promise<SendLoopResult> {
  const result: SendLoopResult = { sent: 0, bytes: 0, failure: null };
  const overlapped = new WSAOVERLAPPED();
  // Sends posted, and sends whose routine has run: a wait may run an earlier send's routine and return
  // while this one is still pending, and the overlapped must not be reused until this one is done.
  let posted = 0;
  let completed = 0;

  const SendCallback = (error: number, sendLen: number): void => {
    completed++;
    if (error !== 0) {
      result.failure = sendFailure(error);
      return;
    }
    ctx.output.line(`Send Len = ${sendLen}`);
    result.sent++;
    result.bytes += sendLen;
  };

  while (!ctx.stop.aborted && result.failure === null && ctx.plan.allows(result.sent)) {
    const wsaBuf = new WSABUF(ctx.sendBuffer, ctx.sendBuffer.length);

    const sendLen = new DWORD(0);
    const flags = new DWORD(0);
    posted++;
    if (WSASend(ctx.clientSocket, [wsaBuf], 1, sendLen, flags.value, overlapped, SendCallback) === SOCKET_ERROR) {
      if (WSAGetLastError() !== WSA_IO_PENDING) {
        result.failure = sendFailure(WSAGetLastError());
        break;
      }
      while (completed < posted && !ctx.stop.aborted) {
        await WSAWaitForMultipleEventsAsync(1, [ctx.stopEvent], false, WSA_INFINITE, true);
      }
    }

    const wakeAt = performance.now() + ctx.intervalMs;
    do {
      const remaining = Math.max(0, Math.ceil(wakeAt - performance.now()));
      await WSAWaitForMultipleEventsAsync(1, [ctx.stopEvent], false, remaining, true);
    } while (!ctx.stop.aborted && performance.now() < wakeAt);
  }
  return result;
}
