import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET } from '@overlapped/winsock-native';
import { expectRoutine, routineRan } from './alertable-loop.js';
import type { IoOperation } from './io-operation.js';
import { OverlappedStrategy, announced } from './overlapped-strategy.js';
import type { StartOverlapped } from './start-overlapped.js';

/**
 * The lecture's callback model: WSARecv/WSASend with a completion routine, run by an alertable wait
 * (`await SleepExAsync(INFINITE, true)`). No event per operation: the routine receives the operation object
 * itself, which is how it finds its owner.
 */
export class CallbackStrategy extends OverlappedStrategy {
  readonly name = 'callback';

  private readonly routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = (error, bytes, overlapped) => {
    routineRan();
    this.completed(overlapped as IoOperation, error, bytes);
  };

  protected issue(socket: SOCKET, op: IoOperation, start: StartOverlapped): number {
    const error = announced(start(socket, op, this.routine));
    if (error === 0) expectRoutine();
    return error;
  }
}
