import {
  WSACleanup, WSACloseEvent, WSACreateEvent, WSASetEvent, WSA_INVALID_EVENT, closesocket, winsockError,
  type SOCKET, type WSAEVENT,
} from '@overlapped/winsock-native';
import { Worker } from 'node:worker_threads';
import { acceptClient, lectureListen } from './lecture-listen.js';
import { LectureStop } from './lecture-stop.js';
import {
  DeleteCriticalSection, EnterCriticalSection, InitializeCriticalSection, LeaveCriticalSection, MAX_PROACTORS,
  MAX_SESSIONS, NO_SOCKET, SESSIONS_PER_PROACTOR, createSharedServer, type ProactorWorkerData, type SharedServer,
} from './proactor-shared.js';

/** Built next to main.js by tsup (tsup.config.ts); a worker thread runs a file, not a function. */
const WORKER_SCRIPT = new URL('./proactor-worker.js', import.meta.url);

/** A Proactor thread, as the main thread knows it. */
interface Proactor {
  worker: Worker;
  wakeEvent: WSAEVENT;
  exited: Promise<void>;
}

/** The notes' `struct Server`: the listening socket (gate socket) here, the rest shared with the Proactors. */
interface Server extends SharedServer {
  listen_sock: SOCKET;
  proactors: Proactor[];
  echo: boolean;
}

/**
 * The multi-session server of the notes' "Overlapped IO Model-I": the main thread accepts and adds each
 * client to the Server's session and event arrays (Add_Session); a Proactor thread waits on the event array
 * with the blocking WSAWaitForMultipleEvents and takes each result with WSAGetOverlappedResult
 * (proactor-worker.ts: Proactor, Packet_Recv, Close_Session).
 *
 * The design, since an overlapped cannot cross threads: the thread that issues a WSARecv is the one that
 * waits for it. So the Proactor thread issues every operation of its sessions, and the main thread touches a
 * session only through the shared arrays: Add_Session puts the accepted socket and a new event in a free slot
 * under the critical section and sets the Proactor's wake event, the first of the events it waits on; the
 * Proactor then makes the Session (overlapped, buffers) and posts its first receive. Sockets and events are
 * process-wide handles, so either thread may use them.
 *
 * The 64-event limit: a Proactor waits on its wake event and 63 session events. A careful C++ author starts
 * another Proactor thread for each 63 sessions more, and so does this; the first time, it prints why.
 *
 * Marked departures, as in the other lecture modes: the accept loop pauses 5 ms between WSAEWOULDBLOCKs
 * (lecture-listen.ts), a client that closes or fails is printed as `Client Disconnected: ...`, and Ctrl-C sets
 * `stop` and wakes every Proactor, which closes its sessions and returns; the main thread joins them, exits 0.
 */
export async function runProactorServer(host: string, port: number, echo: boolean): Promise<void> {
  const stop = new LectureStop();
  const ser = Server_Init(host, port, echo);

  let proactorFailure: Error | null = null;
  const failed = (error: Error): void => {
    proactorFailure ??= error;
    stop.request();
  };
  // "listen() 이전: Thread를 이용해서 WSAWaitForMultipleEvents": the first Proactor runs from the start.
  startProactor(ser, failed);

  for (;;) {
    const clientSocket = await acceptClient(ser.listen_sock, stop);
    if (clientSocket === null) break;
    if (!Add_Session(ser, clientSocket, failed)) {
      // Not in the notes (their vectors grow): the shared arrays are fixed, so a client beyond them is refused.
      closesocket(clientSocket);
      console.log(`Client Refused: all ${MAX_SESSIONS} sessions are in use`);
    }
  }

  Atomics.store(ser.stop, 0, 1);
  for (const proactor of ser.proactors) WSASetEvent(proactor.wakeEvent);
  await Promise.all(ser.proactors.map((proactor) => proactor.exited));
  for (const proactor of ser.proactors) WSACloseEvent(proactor.wakeEvent);

  closesocket(ser.listen_sock);
  DeleteCriticalSection(ser.cs);
  WSACleanup();
  if (proactorFailure !== null) throw proactorFailure;
}

/**
 * The notes' Server_Init: 1. WSAStartup 2. the gate socket 3. bind 4. listen (lectureListen, which prints
 * `Listening on ...` and `Accept` like the other lecture modes) 5. noc = 0 6. the critical section.
 */
function Server_Init(host: string, port: number, echo: boolean): Server {
  const listen_sock = lectureListen(host, port);
  const shared = createSharedServer();
  Atomics.store(shared.noc, 0, 0);
  InitializeCriticalSection(shared.cs);
  return { ...shared, listen_sock, proactors: [], echo };
}

/**
 * The notes' Add_Session, the main thread's half: a free slot for the socket and a new event object in the
 * Server's arrays, noc++ (Server Update), then the wake event of the Proactor that owns the slot, which makes
 * the Session itself (proactor-worker.ts). Starts another Proactor when every one has 63 sessions. False if
 * the table is full.
 */
function Add_Session(ser: Server, s: SOCKET, failed: (error: Error) => void): boolean {
  const hevent = WSACreateEvent();
  if (hevent === WSA_INVALID_EVENT) throw winsockError('WSACreateEvent');

  EnterCriticalSection(ser.cs);
  const slot = freeSlot(ser);
  if (slot !== null) {
    ser.s_arr[slot] = s;
    ser.e_arr[slot] = hevent;
    Atomics.add(ser.noc, 0, 1);
  }
  LeaveCriticalSection(ser.cs);
  if (slot === null) {
    WSACloseEvent(hevent);
    return false;
  }

  const owner = Math.floor(slot / SESSIONS_PER_PROACTOR);
  while (ser.proactors.length <= owner) startProactor(ser, failed);
  // Printed before the Proactor is woken, so it comes before the session's first `Data Recv Len`.
  console.log('Client Connected');
  WSASetEvent(ser.proactors[owner]!.wakeEvent);
  return true;
}

/** The lowest free slot of the session table, in the running Proactors first; null if none is left. Under cs. */
function freeSlot(ser: Server): number | null {
  const running = ser.proactors.length * SESSIONS_PER_PROACTOR;
  for (let slot = 0; slot < running; slot++) if (ser.s_arr[slot] === NO_SOCKET) return slot;
  return running < MAX_SESSIONS ? running : null;
}

function startProactor(ser: Server, failed: (error: Error) => void): void {
  const index = ser.proactors.length;
  if (index >= MAX_PROACTORS) throw new Error(`no more than ${MAX_PROACTORS} Proactors`);
  const wakeEvent = WSACreateEvent();
  if (wakeEvent === WSA_INVALID_EVENT) throw winsockError('WSACreateEvent');

  const server: SharedServer = { cs: ser.cs, noc: ser.noc, stop: ser.stop, s_arr: ser.s_arr, e_arr: ser.e_arr };
  const workerData: ProactorWorkerData = { server, index, wakeEvent, echo: ser.echo };
  const worker = new Worker(WORKER_SCRIPT, { workerData });
  // Not in the notes: a Proactor that throws stops the server (and the program exits 1 with its message).
  worker.once('error', failed);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  ser.proactors.push({ worker, wakeEvent, exited });

  if (index === 1) {
    console.log(
      `Proactor 2 started: WSAWaitForMultipleEvents waits on at most 64 events (WSA_MAXIMUM_WAIT_EVENTS), ` +
        `one of them the Proactor's wake event, so each Proactor thread serves ${SESSIONS_PER_PROACTOR} sessions`,
    );
  } else if (index > 1) {
    console.log(`Proactor ${index + 1} started`);
  }
}
