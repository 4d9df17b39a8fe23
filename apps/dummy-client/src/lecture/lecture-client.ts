import {
  MAKEWORD, WSACleanup, WSACloseEvent, WSACreateEvent, WSADATA, WSASetEvent, WSAStartup, closesocket, winsockError,
} from '@overlapped/winsock-native';
import type { ClientOptions } from '../cli-args.js';
import type { Output } from '../output.js';
import { lecturePayload } from '../payload.js';
import { SendPlan } from '../send-plan.js';
import { callbackSendLoop } from './callback-send-loop.js';
import { lectureConnect } from './connect-loop.js';
import { eventSendLoop } from './event-send-loop.js';

/**
 * The lecture's DummyClient, one client, written against @overlapped/winsock-native line by line:
 * WSAStartup, a non-blocking socket, the connect loop, "Connected To Server", then the send loop of the
 * chosen model until --duration / --count / Ctrl-C. Returns the exit code.
 */
export async function runLectureClient(options: ClientOptions, output: Output, stop: AbortSignal): Promise<number> {
  const wsaData = new WSADATA();
  const startupError = WSAStartup(MAKEWORD(2, 2), wsaData);
  if (startupError !== 0) throw winsockError('WSAStartup', startupError);
  try {
    const clientSocket = await lectureConnect(options.host, options.port, options.connectTimeoutMs, stop);
    if (clientSocket === null) return 0;

    output.line('Connected To Server');

    const stopEvent = WSACreateEvent();
    const wakeOnStop = (): void => void WSASetEvent(stopEvent);
    stop.addEventListener('abort', wakeOnStop);
    const plan = new SendPlan(options.limit);
    const progress = setInterval(() => output.progress(plan.progress() ?? 0, plan.progressLabel()), 100);
    const sendLoop = options.strategy === 'callback' ? callbackSendLoop : eventSendLoop;
    const result = await sendLoop({
      clientSocket,
      sendBuffer: lecturePayload(options.message, options.size),
      intervalMs: options.intervalMs,
      plan,
      output,
      stopEvent,
      stop,
    });
    clearInterval(progress);
    output.endProgress();
    stop.removeEventListener('abort', wakeOnStop);
    WSACloseEvent(stopEvent);

    // Every send above has completed, so the data is with the kernel: a graceful close still delivers it.
    closesocket(clientSocket);
    if (result.failure !== null) output.line(result.failure);
    output.line(`Summary: sent=${result.sent} bytes=${result.bytes}`);
    return result.failure === null ? 0 : 1;
  } finally {
    WSACleanup();
  }
}
