import {
  DWORD, GetLastError, GetQueuedCompletionStatus, INFINITE, LPOVERLAPPED, SOCKET_ERROR, ULONG_PTR, WSABUF,
  WSAGetLastError, WSAGetOverlappedResult, WSARecv, WSASend, WSA_IO_PENDING, closesocket, type HANDLE,
  type WSAOVERLAPPED,
} from '@overlapped/winsock-native';
import { workerData } from 'node:worker_threads';
import { disconnectLine } from './disconnect-line.js';
import { EXIT_KEY, IO_TYPE, NO_SOCKET, recvBufferOf, type IocpWorkerData } from './iocp-shared.js';
import { writeLine } from './write-line.js';

const { iocpHandle, sockets, ioTypes, recvBuffers, echo } = workerData as IocpWorkerData;

/**
 * The lecture's WorkerThreadMain, line by line: block in GetQueuedCompletionStatus, find the session by the
 * completion key, print, post the next receive with the same overlapped. The lecture's
 * `cout << "Recv Data IOCP = "` is writeLine here (fs.writeSync): console.log in a worker goes through its
 * event loop, which a thread blocked in a wait does not run, so the line would come late or never.
 *
 * Not in the lecture, which `continue`s (TODO: 연결 끊김): a packet of 0 bytes (the client closed) or a failed
 * one (reset, aborted) closes the session's socket and prints the disconnect line the other lecture modes
 * print. And a packet with EXIT_KEY (posted on Ctrl-C) makes the thread return, so the main thread can join it.
 */
function WorkerThreadMain(iocpHandle: HANDLE): void {
  for (;;) {
    const bytesTransferred = new DWORD(0);
    const key = new ULONG_PTR(0);
    const overlapped = new LPOVERLAPPED();
    const ret = GetQueuedCompletionStatus(iocpHandle, bytesTransferred, key, overlapped, INFINITE);
    const packetError = ret ? 0 : GetLastError();
    if (!ret && overlapped.value === null) {
      // No packet at all: the wait itself failed (the port is gone). Nothing more will come.
      writeLine(`GetQueuedCompletionStatus failed: error ${packetError}`);
      return;
    }
    const session = Number(key.value);
    if (session === EXIT_KEY) return;

    if (ret === false || bytesTransferred.value === 0) {
      closeSession(session, ret ? 'closed by peer' : failedOperation(session, overlapped.value!, packetError));
      continue;
    }

    // The lecture asserts `overlappedEx->type == IO_TYPE::READ`; with --echo a WRITE completes here too.
    if (ioTypes[session] === IO_TYPE.READ) {
      writeLine(`Recv Data IOCP = ${bytesTransferred.value}`);
      if (echo) {
        // Not in the lecture: send what came back from the same buffer; the next receive waits for this send.
        ioTypes[session] = IO_TYPE.WRITE;
        const wsaBuf = new WSABUF(recvBufferOf(recvBuffers, session), bytesTransferred.value);
        const sendLen = new DWORD(0);
        if (WSASend(sockets[session]!, [wsaBuf], 1, sendLen, 0, overlapped.value, null) === SOCKET_ERROR) {
          if (WSAGetLastError() !== WSA_IO_PENDING) closeSession(session, { syscall: 'WSASend', error: WSAGetLastError() });
        }
        continue;
      }
    }

    ioTypes[session] = IO_TYPE.READ;
    const wsaBuf = new WSABUF(recvBufferOf(recvBuffers, session));
    const recvLen = new DWORD(0);
    const flags = new DWORD(0);
    // The lecture ignores the result; an error other than pending means no packet will come for this session.
    if (WSARecv(sockets[session]!, [wsaBuf], 1, recvLen, flags, overlapped.value, null) === SOCKET_ERROR) {
      if (WSAGetLastError() !== WSA_IO_PENDING) closeSession(session, { syscall: 'WSARecv', error: WSAGetLastError() });
    }
  }
}

/**
 * Why the session's operation failed, as a Winsock error: GetQueuedCompletionStatus reports a Win32 code
 * (a reset is ERROR_NETNAME_DELETED, 64), WSAGetOverlappedResult on the same overlapped says WSAECONNRESET.
 */
function failedOperation(
  session: number,
  overlapped: WSAOVERLAPPED,
  packetError: number,
): { syscall: string; error: number } {
  const syscall = ioTypes[session] === IO_TYPE.WRITE ? 'WSASend' : 'WSARecv';
  const transferred = new DWORD(0);
  const flags = new DWORD(0);
  if (WSAGetOverlappedResult(sockets[session]!, overlapped, transferred, false, flags)) return { syscall, error: packetError };
  return { syscall, error: WSAGetLastError() };
}

/**
 * Not in the lecture: the session's last operation has completed, so nothing refers to its socket or buffer
 * any more. Close the socket, then free the slot for the main thread to reuse.
 */
function closeSession(session: number, cause: Parameters<typeof disconnectLine>[0]): void {
  closesocket(sockets[session]!);
  writeLine(disconnectLine(cause));
  Atomics.store(sockets, session, NO_SOCKET);
}

WorkerThreadMain(iocpHandle);
