import {
  DWORD, INFINITE, SOCKET_ERROR, SleepExAsync, WSABUF, WSACleanup, WSAGetLastError, WSAOVERLAPPED, WSARecv,
  WSA_IO_PENDING, closesocket, type SOCKET,
} from '@overlapped/winsock-native';
import { disconnectLine } from './disconnect-line.js';
import { acceptClient, lectureListen } from './lecture-listen.js';
import { LectureStop } from './lecture-stop.js';

const BUFSIZE = 1000;

/**
 * The lecture's `struct Session` whose first member is the WSAOVERLAPPED, so the completion routine can
 * cast the overlapped it is given back to the Session. In TypeScript the Session *is* the overlapped.
 */
class Session extends WSAOVERLAPPED {
  readonly recvBuffer = Buffer.alloc(BUFSIZE);
  recvBytes = 0;
  /** Not in the lecture: receives posted and receives whose routine has run (see the alertable wait below). */
  posted = 0;
  completed = 0;
  /** Not in the lecture: set once the client is gone, so the receive loop ends. */
  ended: string | null = null;

  constructor(readonly socket: SOCKET) {
    super();
  }
}

/** The lecture's RecvCallback (completion routine). */
function RecvCallback(error: number, recvLen: number, overlapped: WSAOVERLAPPED, _flags: number): void {
  const session = overlapped as Session;
  session.completed++;
  // Not in the lecture: it prints "= 0" and keeps going when the client closes or the receive fails.
  if (error !== 0) session.ended = disconnectLine({ syscall: 'WSARecv', error });
  else if (recvLen === 0) session.ended = disconnectLine('closed by peer');
  else {
    session.recvBytes = recvLen;
    console.log(`Data Recv Len Callback = ${recvLen}`);
  }
}

/**
 * The lecture's GameServer for the overlapped model with completion routines, line by line: one client at a
 * time, each pending WSARecv followed by an alertable wait in which the routine runs.
 *
 * The lecture blocks in SleepEx(INFINITE, TRUE). Here SleepExAsync is the alertable wait: the blocking form
 * would freeze Node's only JS thread, so Ctrl-C (a signal handler on the event loop) could never stop it.
 * The lecture also creates a WSAEVENT it never uses in this model; it is left out.
 */
export async function runCallbackServer(host: string, port: number): Promise<void> {
  const stop = new LectureStop();
  const listenSocket = lectureListen(host, port);

  for (;;) {
    const clientSocket = await acceptClient(listenSocket, stop);
    if (clientSocket === null) break;
    stop.adopt(clientSocket);

    const session = new Session(clientSocket);

    console.log('Client Connected');

    while (session.ended === null) {
      const wsaBuf = new WSABUF(session.recvBuffer, BUFSIZE);

      const recvLen = new DWORD(0);
      const flags = new DWORD(0);
      session.posted++;
      if (WSARecv(clientSocket, [wsaBuf], 1, recvLen, flags, session, RecvCallback) === SOCKET_ERROR) {
        if (WSAGetLastError() === WSA_IO_PENDING) {
          // Alertable wait: every routine queued so far runs inside it. The lecture waits once, but one wait
          // may run only the routine of an earlier receive that completed at once and return while this one
          // is still pending; posting again would put two receives on one WSAOVERLAPPED (undefined on
          // Windows, WSAEINVAL here). So wait until this receive's routine has run too.
          while (session.completed < session.posted) await SleepExAsync(INFINITE, true);
        } else {
          session.posted--;
          session.ended = disconnectLine({ syscall: 'WSARecv', error: WSAGetLastError() });
        }
      } else if (recvLen.value === 0) {
        session.ended = disconnectLine('closed by peer');
      } else {
        // Completed at once: the lecture prints it here; its routine is still queued and prints it again
        // in the next alertable wait, exactly as on Windows.
        console.log(`Data Recv Len = ${recvLen.value}`);
      }
    }
    console.log(session.ended);

    stop.closeClient();
    if (stop.isRequested) break;
  }

  closesocket(listenSocket);
  WSACleanup();
}
