import {
  CloseHandle, CreateIoCompletionPort, DWORD, INVALID_HANDLE_VALUE, PostQueuedCompletionStatus, SOCKET_ERROR,
  WSABUF, WSACleanup, WSAGetLastError, WSAOVERLAPPED, WSARecv, WSA_IO_PENDING, closesocket, winsockError,
  type SOCKET,
} from '@overlapped/winsock-native';
import { Worker } from 'node:worker_threads';
import { disconnectLine } from './disconnect-line.js';
import {
  BUFSIZE, EXIT_KEY, IO_TYPE, MAX_SESSIONS, NO_SOCKET, recvBufferOf, type IocpWorkerData,
} from './iocp-shared.js';
import { acceptClient, lectureListen } from './lecture-listen.js';
import { LectureStop } from './lecture-stop.js';

/** Built next to main.js by tsup (tsup.config.ts); a worker thread runs a file, not a function. */
const WORKER_SCRIPT = new URL('./iocp-worker.js', import.meta.url);

/**
 * The lecture's IOCP GameServer, line by line: one completion port, `threads` worker threads blocked in
 * GetQueuedCompletionStatus (iocp-worker.ts, the lecture's WorkerThreadMain), and the main thread accepting
 * clients, associating each socket with the port under its session's key and posting its first WSARecv.
 *
 * Where the lecture has `Session*` as the key and `OverlappedEx*` as the overlapped, JS threads share no
 * objects: the session table (key -> socket, key -> IO_TYPE) and the receive buffers are SharedArrayBuffers
 * indexed by the key, and the overlapped a worker dequeues is its own view of the one started here
 * (@overlapped/winsock-native README, "The completion port model").
 *
 * Marked departures: accept is the other lecture modes' non-blocking accept loop (lecture-listen.ts), since a
 * main thread blocked in accept() could never see Ctrl-C; a client that closes or fails is closed and printed
 * (`Client Disconnected: ...`) by the worker that dequeues its last packet, and its slot is reused; with
 * --echo each receive is sent back before the next receive is posted; Ctrl-C posts one EXIT_KEY packet per
 * worker, joins them, closes the clients and exits 0.
 */
export async function runIocpServer(host: string, port: number, threads: number, echo: boolean): Promise<void> {
  const stop = new LectureStop();
  const listenSocket = lectureListen(host, port);

  const sockets = new Int32Array(new SharedArrayBuffer(4 * MAX_SESSIONS)).fill(NO_SOCKET);
  const ioTypes = new Int32Array(new SharedArrayBuffer(4 * MAX_SESSIONS));
  const recvBuffers = new SharedArrayBuffer(BUFSIZE * MAX_SESSIONS);

  const iocpHandle = CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 0);
  if (iocpHandle === 0) throw winsockError('CreateIoCompletionPort');

  let workerFailure: Error | null = null;
  const workerData: IocpWorkerData = { iocpHandle, sockets, ioTypes, recvBuffers, echo };
  const workers: Worker[] = [];
  for (let i = 0; i < threads; i++) workers.push(new Worker(WORKER_SCRIPT, { workerData }));
  const joined = workers.map((worker) => {
    // Not in the lecture: a worker that throws stops the server (and the program exits 1 with its message).
    worker.once('error', (error) => {
      workerFailure ??= error;
      stop.request();
    });
    return new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  });

  let nextKey = 0;
  for (;;) {
    const clientSocket = await acceptClient(listenSocket, stop);
    if (clientSocket === null) break;

    const key = freeSessionKey(sockets, nextKey);
    if (key === null) {
      // Not in the lecture (its vector grows): the shared tables are fixed, so a client beyond them is refused.
      closesocket(clientSocket);
      console.log(`Client Refused: all ${MAX_SESSIONS} sessions are in use`);
      continue;
    }
    nextKey = (key + 1) % MAX_SESSIONS;
    Atomics.store(sockets, key, clientSocket);

    console.log('Client Connected');

    // The key is the session: every packet of this socket comes out of the port with it.
    if (CreateIoCompletionPort(clientSocket, iocpHandle, key, 0) === 0) throw winsockError('CreateIoCompletionPort');

    const wsaBuf = new WSABUF(recvBufferOf(recvBuffers, key), BUFSIZE);
    // The lecture's `new OverlappedEx()` with type READ: the type goes into the shared table (iocp-shared.ts).
    const overlapped = new WSAOVERLAPPED();
    ioTypes[key] = IO_TYPE.READ;

    const recvLen = new DWORD(0);
    const flags = new DWORD(0);
    if (WSARecv(clientSocket, [wsaBuf], 1, recvLen, flags, overlapped, null) === SOCKET_ERROR) {
      if (WSAGetLastError() !== WSA_IO_PENDING) closeRefusedSession(sockets, key, WSAGetLastError());
    }
  }

  // Ctrl-C: the lecture's GThreadManager->Join(), after telling each worker to return.
  for (let i = 0; i < workers.length; i++) PostQueuedCompletionStatus(iocpHandle, 0, EXIT_KEY, null);
  await Promise.all(joined);

  for (let key = 0; key < MAX_SESSIONS; key++) {
    if (sockets[key] !== NO_SOCKET) closesocket(sockets[key]!);
  }
  CloseHandle(iocpHandle);
  closesocket(listenSocket);
  WSACleanup();
  if (workerFailure !== null) throw workerFailure;
}

/** The first free slot of the session table from `from` on (round robin), or null if every slot is taken. */
function freeSessionKey(sockets: Int32Array, from: number): number | null {
  for (let i = 0; i < MAX_SESSIONS; i++) {
    const key = (from + i) % MAX_SESSIONS;
    if (Atomics.load(sockets, key) === NO_SOCKET) return key;
  }
  return null;
}

/** The first WSARecv failed at once: no packet will ever come for this session, so no worker will close it. */
function closeRefusedSession(sockets: Int32Array, key: number, error: number): void {
  closesocket(sockets[key] as SOCKET);
  console.log(disconnectLine({ syscall: 'WSARecv', error }));
  Atomics.store(sockets, key, NO_SOCKET);
}
