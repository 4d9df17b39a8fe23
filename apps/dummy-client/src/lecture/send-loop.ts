import type { SOCKET, WSAEVENT } from '@overlapped/winsock-native';
import type { Output } from '../output.js';
import type { SendPlan } from '../send-plan.js';

/** What both lecture send loops work with: the lecture's locals, plus the run's plan and output. */
export interface SendLoopContext {
  clientSocket: SOCKET;
  sendBuffer: Buffer;
  intervalMs: number;
  plan: SendPlan;
  output: Output;
  /** Set by Ctrl-C; the loops' sleeps wait on it, so a stop request ends a sleep at once. */
  stopEvent: WSAEVENT;
  stop: AbortSignal;
}

export interface SendLoopResult {
  sent: number;
  bytes: number;
  /** Why sending failed (the server went away), or null. */
  failure: string | null;
}
