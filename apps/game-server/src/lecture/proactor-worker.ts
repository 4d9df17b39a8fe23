import {
  DWORD, SOCKET_ERROR, WSABUF, WSACloseEvent, WSAGetLastError, WSAGetOverlappedResult, WSAOVERLAPPED, WSARecv,
  WSAResetEvent, WSASend, WSAWaitForMultipleEvents, WSA_INFINITE, WSA_IO_PENDING, WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED, WSA_WAIT_TIMEOUT, closesocket, winsockError, type SOCKET, type WSAEVENT,
} from '@overlapped/winsock-native';
import { workerData } from 'node:worker_threads';
import { disconnectLine } from './disconnect-line.js';
import {
  BUFSIZE, EnterCriticalSection, LeaveCriticalSection, NO_SOCKET, SESSIONS_PER_PROACTOR,
  type ProactorWorkerData, type SharedServer,
} from './proactor-shared.js';
import { writeLine } from './write-line.js';

const { server, index, wakeEvent, echo } = workerData as ProactorWorkerData;
/** This Proactor's slots of s_arr / e_arr. */
const firstSlot = index * SESSIONS_PER_PROACTOR;

type Cause = Parameters<typeof disconnectLine>[0];

/**
 * The notes' Session (the ACT: what one client's send and receive need). `handler` tells whether the pending
 * operation is a receive or a send, as the notes say. The notes' caddr (the client's address) is left out:
 * nothing prints it, as in the other lecture modes.
 */
class Session {
  readonly over = new WSAOVERLAPPED();
  readonly rbuf = Buffer.alloc(BUFSIZE);
  readonly sbuf = Buffer.alloc(BUFSIZE);
  readonly rwsa = new WSABUF(this.rbuf, BUFSIZE);
  swsa = new WSABUF(this.sbuf, 0);
  handler: (session: Session, bytes: number) => void = Recv_Handler;

  constructor(
    readonly server: SharedServer,
    /** Its index in the Server's s_arr / e_arr. */
    readonly slot: number,
    readonly sock: SOCKET,
    readonly hevent: WSAEVENT,
  ) {}
}

/** This Proactor's sessions by slot (slot - firstSlot); null where the slot is free or not picked up yet. */
const sessions: (Session | null)[] = new Array<Session | null>(SESSIONS_PER_PROACTOR).fill(null);

/**
 * The Proactor: WSAWaitForMultipleEvents over its event array (the wake event first, then one event per
 * session), WSAGetOverlappedResult for each signalled session, then the session's handler.
 *
 * A wait for any event reports the lowest signalled index only; after handling it, each later event is
 * checked with a zero timeout too, so a busy session at a low index cannot starve the ones after it.
 */
function Proactor(ser: SharedServer): void {
  for (;;) {
    // This Proactor's share of the Server's event array, its wake event first (at most 64 events).
    const live = sessions.filter((session): session is Session => session !== null);
    const events = [wakeEvent, ...live.map((session) => session.hevent)];
    const ret = WSAWaitForMultipleEvents(events.length, events, false, WSA_INFINITE, false);
    if (ret === WSA_WAIT_FAILED) throw winsockError('WSAWaitForMultipleEvents');

    const first = ret - WSA_WAIT_EVENT_0;
    for (let i = first; i < events.length; i++) {
      if (i > first && WSAWaitForMultipleEvents(1, [events[i]!], true, 0, false) === WSA_WAIT_TIMEOUT) continue;
      if (i > 0) {
        Packet_Complete(live[i - 1]!);
        continue;
      }
      WSAResetEvent(wakeEvent);
      if (Atomics.load(ser.stop, 0) === 1) {
        closeEverySession(ser);
        return;
      }
      for (const session of pickUpNewSessions(ser)) Packet_Recv(session);
    }
  }
}

/** A session's event is signalled: the result of its operation, then what the handler does with it. */
function Packet_Complete(session: Session): void {
  const transferred = new DWORD(0);
  const flags = new DWORD(0);
  if (!WSAGetOverlappedResult(session.sock, session.over, transferred, false, flags)) {
    const syscall = session.handler === Send_Handler ? 'WSASend' : 'WSARecv';
    Close_Session(session, { syscall, error: WSAGetLastError() });
    return;
  }
  session.handler(session, transferred.value);
}

/** A receive completed: 0 bytes is the client closing; otherwise print it and (--echo) send it back. */
function Recv_Handler(session: Session, bytes: number): void {
  if (bytes === 0) {
    Close_Session(session, 'closed by peer');
    return;
  }
  writeLine(`Data Recv Len = ${bytes}`);
  if (echo) Packet_Send(session, bytes);
  else Packet_Recv(session);
}

/** A send completed (whole: an overlapped send completes once all of it is sent): receive again. */
function Send_Handler(session: Session, _bytes: number): void {
  Packet_Recv(session);
}

/** The notes' Clean_Session: the overlapped made ready for the next operation on the session's event. */
function Clean_Session(session: Session): void {
  // 1-1 / 1-2: the same WSAOVERLAPPED, with the session's event in hEvent.
  session.over.hEvent = session.hevent;
  // 1-3 (추가예정, "to be added"): the event is manual-reset and still signalled by the operation that just
  // completed; reset it, or the next wait would return at once for an operation still pending.
  WSAResetEvent(session.hevent);
}

/** The notes' Packet_Recv: Clean_Session, then WSARecv; SOCKET_ERROR must be WSA_IO_PENDING. */
function Packet_Recv(session: Session): void {
  Clean_Session(session);
  session.handler = Recv_Handler;
  const recvLen = new DWORD(0);
  const flags = new DWORD(0);
  // A receive that completes at once sets the event as well: the Proactor collects it like any other.
  if (WSARecv(session.sock, [session.rwsa], 1, recvLen, flags, session.over, null) === SOCKET_ERROR) {
    if (WSAGetLastError() !== WSA_IO_PENDING) Close_Session(session, { syscall: 'WSARecv', error: WSAGetLastError() });
  }
}

/**
 * The notes' step 3 of Packet_Recv, WSASend, as its own step: the session has one overlapped and one event,
 * so the echo is sent once the receive has completed, and the next receive is posted once the send has.
 */
function Packet_Send(session: Session, bytes: number): void {
  session.rbuf.copy(session.sbuf, 0, 0, bytes);
  session.swsa = new WSABUF(session.sbuf, bytes);
  Clean_Session(session);
  session.handler = Send_Handler;
  const sendLen = new DWORD(0);
  if (WSASend(session.sock, [session.swsa], 1, sendLen, 0, session.over, null) === SOCKET_ERROR) {
    if (WSAGetLastError() !== WSA_IO_PENDING) Close_Session(session, { syscall: 'WSASend', error: WSAGetLastError() });
  }
}

/**
 * The Proactor's half of the notes' Add_Session: the main thread has put the socket and a new event into a
 * free slot of s_arr / e_arr (Server Update) and set the wake event; here `new Session` is made for each
 * slot not picked up yet, on the thread that will issue and wait for its operations.
 */
function pickUpNewSessions(ser: SharedServer): Session[] {
  const added: Session[] = [];
  EnterCriticalSection(ser.cs);
  for (let i = 0; i < SESSIONS_PER_PROACTOR; i++) {
    const slot = firstSlot + i;
    if (sessions[i] !== null || ser.s_arr[slot] === NO_SOCKET) continue;
    const session = new Session(ser, slot, ser.s_arr[slot]!, ser.e_arr[slot]!);
    sessions[i] = session;
    added.push(session);
  }
  LeaveCriticalSection(ser.cs);
  return added;
}

/**
 * The notes' Close_Session: 1. back up the socket and the event; 2. take them out of s_arr / e_arr and noc--,
 * under the critical section; 3. closesocket, WSACloseEvent. `cause` (not in the notes) is printed as the
 * other lecture modes print a client that has gone; null when the server closes it on Ctrl-C.
 */
function Close_Session(session: Session, cause: Cause | null): void {
  const { sock, hevent, server: ser } = session;
  // Printed before the slot is free, so it comes before the `Client Connected` of whoever gets the slot next.
  if (cause !== null) writeLine(disconnectLine(cause));

  EnterCriticalSection(ser.cs);
  ser.s_arr[session.slot] = NO_SOCKET;
  ser.e_arr[session.slot] = 0;
  Atomics.sub(ser.noc, 0, 1);
  LeaveCriticalSection(ser.cs);
  sessions[session.slot - firstSlot] = null;

  closesocket(sock);
  WSACloseEvent(hevent);
}

/** Ctrl-C: every session of this Proactor, and any slot handed over but not picked up yet, is closed. */
function closeEverySession(ser: SharedServer): void {
  pickUpNewSessions(ser);
  for (const session of sessions) if (session !== null) Close_Session(session, null);
}

Proactor(server);
