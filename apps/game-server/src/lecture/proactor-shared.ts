import { WSA_MAXIMUM_WAIT_EVENTS, type WSAEVENT } from '@overlapped/winsock-native';

/** What the main thread of --lecture proactor and its Proactor threads share (proactor-*.ts). */

export const BUFSIZE = 1000;

/**
 * WSAWaitForMultipleEvents waits on at most WSA_MAXIMUM_WAIT_EVENTS (64) events, and each Proactor's first
 * event is the one that wakes it for a new session or for Ctrl-C: a Proactor serves 63 sessions, and a new
 * Proactor thread starts for each 63 more.
 */
export const SESSIONS_PER_PROACTOR = WSA_MAXIMUM_WAIT_EVENTS - 1;
export const MAX_PROACTORS = 16;
/** The session table's size: slots [63 p, 63 p + 63) belong to Proactor p. */
export const MAX_SESSIONS = SESSIONS_PER_PROACTOR * MAX_PROACTORS;

/** A free slot of s_arr. */
export const NO_SOCKET = -1; // INVALID_SOCKET

/**
 * The notes' `struct Server` as every thread sees it, in one SharedArrayBuffer: the session array, the event
 * array, the critical section that guards both, and the count of sessions (noc). s_arr holds each session's
 * SOCKET and e_arr its WSAEVENT (handles are process-wide numbers); the rest of a session, its overlapped and
 * buffers, lives on the Proactor thread that serves it (proactor-worker.ts). The listening socket is the
 * main thread's alone. `stop` is not in the notes: set on Ctrl-C, read by each Proactor when it is woken.
 */
export interface SharedServer {
  cs: CRITICAL_SECTION;
  /** [0]: the number of sessions (noc). */
  noc: Int32Array;
  /** [0]: 1 once the server is stopping. */
  stop: Int32Array;
  s_arr: Int32Array;
  e_arr: Int32Array;
}

export function createSharedServer(): SharedServer {
  const words = 3 + 2 * MAX_SESSIONS;
  const memory = new SharedArrayBuffer(4 * words);
  const server: SharedServer = {
    cs: { word: new Int32Array(memory, 0, 1) },
    noc: new Int32Array(memory, 4, 1),
    stop: new Int32Array(memory, 8, 1),
    s_arr: new Int32Array(memory, 12, MAX_SESSIONS),
    e_arr: new Int32Array(memory, 12 + 4 * MAX_SESSIONS, MAX_SESSIONS),
  };
  server.s_arr.fill(NO_SOCKET);
  return server;
}

export interface ProactorWorkerData {
  server: SharedServer;
  /** Which Proactor: it serves slots [index * 63, index * 63 + 63). */
  index: number;
  /** The event the main thread sets for a new session in this Proactor's slots, or for Ctrl-C. */
  wakeEvent: WSAEVENT;
  /** --echo: send each receive back before receiving again. */
  echo: boolean;
}

/**
 * The notes' CRITICAL_SECTION, over shared memory: 0 free, 1 held. Atomics.wait blocks a thread that finds it
 * held until the holder's LeaveCriticalSection; it is held only for a few array writes.
 */
export interface CRITICAL_SECTION {
  word: Int32Array;
}

export function InitializeCriticalSection(cs: CRITICAL_SECTION): void {
  Atomics.store(cs.word, 0, 0);
}

export function EnterCriticalSection(cs: CRITICAL_SECTION): void {
  while (Atomics.compareExchange(cs.word, 0, 0, 1) !== 0) Atomics.wait(cs.word, 0, 1);
}

export function LeaveCriticalSection(cs: CRITICAL_SECTION): void {
  Atomics.store(cs.word, 0, 0);
  Atomics.notify(cs.word, 0, 1);
}

export function DeleteCriticalSection(cs: CRITICAL_SECTION): void {
  Atomics.store(cs.word, 0, 0);
}
