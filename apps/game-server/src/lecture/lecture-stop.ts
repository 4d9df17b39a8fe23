import { closesocket, type SOCKET } from '@overlapped/winsock-native';

/**
 * Ctrl-C for the lecture's programs, which have none. They always wait on one thing: the next client (a
 * polled accept) or the client's pending receive. Stopping therefore sets a flag and closes the client
 * socket; its pending receive completes as aborted (WSA_OPERATION_ABORTED), the wait returns and the loop
 * sees the flag. The client socket is closed by whoever gets there first and never twice, because a closed
 * socket's number may already belong to a new socket.
 */
export class LectureStop {
  private requested = false;
  private client: SOCKET | null = null;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => this.request());
  }

  get isRequested(): boolean {
    return this.requested;
  }

  /** The client now being served; closed by `closeClient` or by a stop request. */
  adopt(client: SOCKET): void {
    this.client = client;
  }

  closeClient(): void {
    if (this.client === null) return;
    closesocket(this.client);
    this.client = null;
  }

  /** What SIGINT / SIGTERM do; also for a program that must stop for a reason of its own. */
  request(): void {
    this.requested = true;
    this.closeClient();
  }
}
