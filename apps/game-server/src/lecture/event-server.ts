import {
  DWORD, SOCKET_ERROR, WSABUF, WSACleanup, WSACloseEvent, WSACreateEvent, WSAGetLastError, WSAGetOverlappedResult,
  WSAOVERLAPPED, WSARecv, WSAWaitForMultipleEventsAsync, WSA_INFINITE, WSA_IO_PENDING, closesocket, type SOCKET,
} from '@overlapped/winsock-native';
import { disconnectLine } from './disconnect-line.js';
import { acceptClient, lectureListen } from './lecture-listen.js';
import { LectureStop } from './lecture-stop.js';

const BUFSIZE = 1000;

/** The lecture's `struct Session`. */
class Session {
  readonly recvBuffer = Buffer.alloc(BUFSIZE);
  recvBytes = 0;
  readonly overlapped = new WSAOVERLAPPED();

  constructor(readonly socket: SOCKET) {}
}

/**
 * The lecture's GameServer for the overlapped model with event objects, line by line: one client at a
 * time, one WSARecv at a time, each pending one awaited on the event in session.overlapped.hEvent.
 *
 * The lecture blocks in WSAWaitForMultipleEvents. Here the Async form waits instead: the blocking form would
 * freeze Node's only JS thread, so Ctrl-C (a signal handler on the event loop) could never stop the program.
 */
export async function runEventServer(host: string, port: number): Promise<void> {
  const stop = new LectureStop();
  const listenSocket = lectureListen(host, port);

  for (;;) {
    const clientSocket = await acceptClient(listenSocket, stop);
    if (clientSocket === null) break;
    stop.adopt(clientSocket);

    const session = new Session(clientSocket);
    const wsaEvent = WSACreateEvent();
    session.overlapped.hEvent = wsaEvent;

    console.log('Client Connected');

    for (;;) {
      const wsaBuf = new WSABUF(session.recvBuffer, BUFSIZE);

      const recvLen = new DWORD(0);
      const flags = new DWORD(0);
      if (WSARecv(clientSocket, [wsaBuf], 1, recvLen, flags, session.overlapped, null) === SOCKET_ERROR) {
        if (WSAGetLastError() !== WSA_IO_PENDING) {
          console.log(disconnectLine({ syscall: 'WSARecv', error: WSAGetLastError() }));
          break;
        }
        // Pending: wait until the receive signals the event, then collect its result.
        await WSAWaitForMultipleEventsAsync(1, [wsaEvent], true, WSA_INFINITE, false);
        if (!WSAGetOverlappedResult(session.socket, session.overlapped, recvLen, false, flags)) {
          console.log(disconnectLine({ syscall: 'WSARecv', error: WSAGetLastError() }));
          break;
        }
      }
      // Not in the lecture: 0 bytes means the client closed; the lecture would print "= 0" forever.
      if (recvLen.value === 0) {
        console.log(disconnectLine('closed by peer'));
        break;
      }
      session.recvBytes = recvLen.value;
      console.log(`Data Recv Len = ${session.recvBytes}`);
    }

    stop.closeClient();
    WSACloseEvent(wsaEvent);
    if (stop.isRequested) break;
  }

  closesocket(listenSocket);
  WSACleanup();
}
