import {
  DWORD, SOCKET_ERROR, WSABUF, WSACloseEvent, WSACreateEvent, WSAGetLastError, WSAGetOverlappedResult,
  WSAOVERLAPPED, WSASend, WSAWaitForMultipleEventsAsync, WSA_INFINITE, WSA_IO_PENDING,
} from '@overlapped/winsock-native';
import { sendFailure } from './send-failure.js';
import type { SendLoopContext, SendLoopResult } from './send-loop.js';

/**
 * The lecture's DummyClient send loop (overlapped model, event objects), line by line: WSASend the buffer,
 * wait for the event if it is pending, collect the result, print "Send Len", sleep 10 ms.
 *
 * The lecture blocks in WSAWaitForMultipleEvents and this_thread::sleep_for. Here both are Async waits: the
 * blocking forms would freeze Node's only JS thread, so Ctrl-C could never be handled. The sleep waits on the
 * stop event with the interval as its timeout, so Ctrl-C ends it at once.
 */
export async function eventSendLoop(ctx: SendLoopContext): Promise<SendLoopResult> {
  const result: SendLoopResult = { sent: 0, bytes: 0, failure: null };
  const wsaEvent = WSACreateEvent();
  const overlapped = new WSAOVERLAPPED();
  overlapped.hEvent = wsaEvent;

  while (!ctx.stop.aborted && ctx.plan.allows(result.sent)) {
    const wsaBuf = new WSABUF(ctx.sendBuffer, ctx.sendBuffer.length);

    const sendLen = new DWORD(0);
    const flags = new DWORD(0);
    if (WSASend(ctx.clientSocket, [wsaBuf], 1, sendLen, flags.value, overlapped, null) === SOCKET_ERROR) {
      if (WSAGetLastError() !== WSA_IO_PENDING) {
        result.failure = sendFailure(WSAGetLastError());
        break;
      }
      await WSAWaitForMultipleEventsAsync(1, [wsaEvent], true, WSA_INFINITE, false);
      if (!WSAGetOverlappedResult(ctx.clientSocket, overlapped, sendLen, false, flags)) {
        result.failure = sendFailure(WSAGetLastError());
        break;
      }
    }

    ctx.output.line(`Send Len = ${sendLen.value}`);
    result.sent++;
    result.bytes += sendLen.value;

    await WSAWaitForMultipleEventsAsync(1, [ctx.stopEvent], false, ctx.intervalMs, false);
  }

  WSACloseEvent(wsaEvent);
  return result;
}
