import {
  FD_CONNECT, FD_CONNECT_BIT, SOCKET_ERROR, WSA_INVALID_EVENT, WSA_WAIT_FAILED, WSA_WAIT_TIMEOUT, WSACloseEvent,
  WSACreateEvent, WSAEALREADY, WSAECONNREFUSED, WSAEISCONN, WSAETIMEDOUT, WSAEWOULDBLOCK,
  WSAEnumNetworkEvents, WSAEventSelect, WSAGetLastError, WSANETWORKEVENTS, WSAWaitForMultipleEventsAsync,
  closesocket, connect, winsockError, type SOCKADDR_IN, type SOCKET, type WSAEVENT,
} from '@overlapped/winsock-native';
import { setTimeout as delay } from 'node:timers/promises';
import { SOCKADDR_IN_SIZE, toSockaddr, type Endpoint } from './endpoint.js';
import { openOverlappedTcpSocket, setNonBlocking, withSocket } from './tcp-socket.js';

export interface ConnectOptions {
  /** Upper bound for the whole connect, retries included. */
  timeoutMs: number;
  /** Try again after a refusal or timeout (e.g. the server is still starting) until `timeoutMs` is spent. */
  retry: boolean;
}

const RETRYABLE = new Set([WSAECONNREFUSED, WSAETIMEDOUT]);
const FIRST_RETRY_DELAY_MS = 10;
const MAX_RETRY_DELAY_MS = 200;

/**
 * One connect attempt on a socket `open` made: resolves with 0 once connected, else the Winsock error
 * (WSAETIMEDOUT once `deadline` has passed).
 */
export type ConnectAttempt = (socket: SOCKET, address: SOCKADDR_IN, deadline: number) => Promise<number>;

/** Connects a new overlapped socket to `endpoint` without blocking; rejects with a WinsockError. */
export function connectSocket(endpoint: Endpoint, options: ConnectOptions): Promise<SOCKET> {
  return connectWithRetry(endpoint, options, openNonBlocking, connectOnce);
}

function openNonBlocking(): SOCKET {
  return withSocket(openOverlappedTcpSocket(), (s) => {
    setNonBlocking(s);
    return s;
  });
}

/**
 * The retry policy every strategy's connect shares: a fresh socket per attempt (`open`), retries after a
 * refusal or a timeout while `options.retry` and the deadline allow, with a doubling delay.
 */
export async function connectWithRetry(
  endpoint: Endpoint, options: ConnectOptions, open: () => SOCKET, attempt: ConnectAttempt,
): Promise<SOCKET> {
  const address = toSockaddr(endpoint);
  const deadline = Date.now() + options.timeoutMs;
  let previousError = 0;
  for (let retryDelay = FIRST_RETRY_DELAY_MS; ; retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY_MS)) {
    const socket = open();
    let error: number;
    try {
      error = await attempt(socket, address, deadline);
    } catch (thrown) {
      closesocket(socket);
      throw thrown;
    }
    if (error === 0) return socket;
    closesocket(socket);
    const remaining = deadline - Date.now();
    if (!options.retry || !RETRYABLE.has(error) || remaining <= 0) {
      // A retry cut short by the deadline says nothing new: report why the earlier attempts failed.
      throw winsockError('connect', error === WSAETIMEDOUT && previousError !== 0 ? previousError : error);
    }
    previousError = error;
    await delay(Math.min(retryDelay, remaining));
  }
}

/**
 * One non-blocking connect attempt: 0 once connected, else the Winsock error. FD_CONNECT is selected before
 * connect is called: a loopback connect can finish (or be refused) at once, and an event selected only
 * afterwards would never hear of it.
 */
async function connectOnce(socket: SOCKET, address: SOCKADDR_IN, deadline: number): Promise<number> {
  const event = WSACreateEvent();
  if (event === WSA_INVALID_EVENT) return WSAGetLastError();
  try {
    if (WSAEventSelect(socket, event, FD_CONNECT) === SOCKET_ERROR) return WSAGetLastError();
    if (connect(socket, address, SOCKADDR_IN_SIZE) !== SOCKET_ERROR) return 0;
    const error = WSAGetLastError();
    if (error !== WSAEWOULDBLOCK) return error;
    return await awaitConnect(socket, address, event, deadline);
  } finally {
    // Detach the event before closing it; later overlapped I/O on this socket must not signal it.
    WSAEventSelect(socket, WSA_INVALID_EVENT, 0);
    WSACloseEvent(event);
  }
}

async function awaitConnect(socket: SOCKET, address: SOCKADDR_IN, event: WSAEVENT, deadline: number): Promise<number> {
  const networkEvents = new WSANETWORKEVENTS();
  for (;;) {
    const remaining = Math.max(0, deadline - Date.now());
    const result = await WSAWaitForMultipleEventsAsync(1, [event], false, remaining, false);
    if (result === WSA_WAIT_TIMEOUT) return WSAETIMEDOUT;
    if (result === WSA_WAIT_FAILED) return WSAGetLastError();
    if (WSAEnumNetworkEvents(socket, event, networkEvents) === SOCKET_ERROR) return WSAGetLastError();
    if ((networkEvents.lNetworkEvents & FD_CONNECT) !== 0) return networkEvents.iErrorCode[FD_CONNECT_BIT] ?? 0;
    // Woken without FD_CONNECT: ask the socket itself.
    if (connect(socket, address, SOCKADDR_IN_SIZE) !== SOCKET_ERROR) return 0;
    const error = WSAGetLastError();
    if (error === WSAEISCONN) return 0;
    if (error !== WSAEALREADY) return error;
  }
}
