import {
  CloseHandle, CreateIoCompletionPort, DWORD, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, GetLastError,
  GetQueuedCompletionStatusExAsync, INVALID_HANDLE_VALUE, OVERLAPPED_ENTRY, SetFileCompletionNotificationModes,
  ULONG, WAIT_TIMEOUT, WSAGetLastError, WSAGetOverlappedResult, winsockError, type HANDLE, type SOCKET,
} from '@overlapped/winsock-native';
import type { IoOperation } from './io-operation.js';

/** Receives each dequeued operation with its Winsock result (0 or the error WSAGetOverlappedResult reports). */
export type CompletionHandler = (op: IoOperation, error: number, bytes: number) => void;

/** Packets taken per dequeue: libuv drains a port 128 entries at a time too. */
const BATCH = 128;

/**
 * The lessons' IocpCore: one completion port, the sockets registered with it, and dispatch, which takes a
 * batch of completions (GetQueuedCompletionStatusExAsync: never blocks the event loop) and hands each
 * operation (the very WSAOVERLAPPED that was passed in) its result.
 */
export class IocpCore {
  readonly handle: HANDLE;
  // Frozen: its elements never change, so GetQueuedCompletionStatusEx checks them once, not on every dequeue.
  private readonly entries = Object.freeze(Array.from({ length: BATCH }, () => new OVERLAPPED_ENTRY<IoOperation>()));
  private readonly removed = new ULONG();
  private readonly bytesBox = new DWORD();
  private readonly flagsBox = new DWORD();

  constructor() {
    this.handle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 0);
    if (this.handle === 0) throw winsockError('CreateIoCompletionPort', GetLastError());
  }

  /**
   * Associates `socket` with the port. An operation that completes at once is then not announced again
   * (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS): its caller handles it inline, which spares a packet per message.
   */
  register(socket: SOCKET): void {
    if (CreateIoCompletionPort(socket, this.handle, 0, 0) === 0) throw winsockError('CreateIoCompletionPort', GetLastError());
    if (!SetFileCompletionNotificationModes(socket, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)) {
      throw winsockError('SetFileCompletionNotificationModes', GetLastError());
    }
  }

  /**
   * Waits up to `timeoutMs` (INFINITE: as long as it takes) for completions and hands each to `handler`; resolves with how many there were
   * (0 on timeout). Rejects with a WinsockError if the port is gone (closed under it: 735 or 6).
   */
  async dispatch(timeoutMs: number, handler: CompletionHandler): Promise<number> {
    const { entries, removed } = this;
    if (!(await GetQueuedCompletionStatusExAsync(this.handle, entries, BATCH, removed, timeoutMs, false))) {
      const error = GetLastError();
      if (error === WAIT_TIMEOUT) return 0;
      throw winsockError('GetQueuedCompletionStatusEx', error);
    }
    const count = removed.value;
    for (let i = 0; i < count; i++) {
      const entry = entries[i]!;
      const op = entry.lpOverlapped!;
      entry.lpOverlapped = null;
      handler(op, entry.Internal === 0 ? 0 : this.errorOf(op), entry.dwNumberOfBytesTransferred);
    }
    return count;
  }

  close(): void {
    CloseHandle(this.handle);
  }

  /** The Winsock error of a failed operation (the entry carries its NTSTATUS; Winsock's code is in the overlapped). */
  private errorOf(op: IoOperation): number {
    return WSAGetOverlappedResult(0, op, this.bytesBox, false, this.flagsBox) ? 0 : WSAGetLastError();
  }
}
