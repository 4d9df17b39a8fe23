import {
  AF_INET, DWORD, FIONBIO, INVALID_SOCKET, SOCKADDR_IN, SOCKET_ERROR, SOCK_STREAM, WSAEALREADY, WSAECONNREFUSED,
  WSAEISCONN, WSAETIMEDOUT, WSAEWOULDBLOCK, WSAGetLastError, closesocket, connect, htons, inet_pton, ioctlsocket,
  socket, winsockError, type SOCKET,
} from '@overlapped/winsock-native';
import { setTimeout as delay } from 'node:timers/promises';
import { ConnectFailure } from '../connect-failure.js';

const SOCKADDR_IN_SIZE = 16;

/**
 * The lecture calls connect again at once on WSAEWOULDBLOCK, spinning a core until the handshake is done;
 * this pause between attempts keeps its loop and lets the event loop breathe (Ctrl-C, timers).
 */
const CONNECT_POLL_MS = 2;

/** Between attempts while the server is not listening yet: it takes a while to start, no need to hammer it. */
const RETRY_MS = 50;

/** The server is not up (yet): try again with a fresh socket, as long as the timeout allows. */
const SERVER_NOT_UP = new Set([WSAECONNREFUSED, WSAETIMEDOUT]);

/**
 * The lecture's non-blocking socket and connect loop: WSAEWOULDBLOCK / WSAEALREADY mean "still connecting,
 * keep calling", WSAEISCONN means connected. Where the lecture breaks out on any other error and carries on as
 * if connected, this retries a refused connection (the server may still be starting) on a new socket until
 * `timeoutMs`, and otherwise throws. Resolves with the connected socket, or null if `stop` aborted.
 */
export async function lectureConnect(
  host: string,
  port: number,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<SOCKET | null> {
  const serverAddr = new SOCKADDR_IN();
  serverAddr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host, serverAddr.sin_addr) !== 1) throw new TypeError(`not an IPv4 address: ${host}`);
  serverAddr.sin_port = htons(port);

  const deadline = Date.now() + timeoutMs;
  let clientSocket = nonBlockingSocket();
  while (!stop.aborted) {
    if (connect(clientSocket, serverAddr, SOCKADDR_IN_SIZE) !== SOCKET_ERROR) return clientSocket;
    const error = WSAGetLastError();
    if (error === WSAEISCONN) return clientSocket;
    if (error !== WSAEWOULDBLOCK && error !== WSAEALREADY) {
      closesocket(clientSocket);
      if (!SERVER_NOT_UP.has(error)) throw winsockError('connect', error);
      if (Date.now() >= deadline) throw new ConnectFailure(host, port, timeoutMs, error);
      // A socket whose connect failed cannot connect again: start over.
      clientSocket = nonBlockingSocket();
      await delay(RETRY_MS);
      continue;
    }
    if (Date.now() >= deadline) {
      closesocket(clientSocket);
      throw new ConnectFailure(host, port, timeoutMs, WSAETIMEDOUT);
    }
    await delay(CONNECT_POLL_MS);
  }
  closesocket(clientSocket);
  return null;
}

/** `socket(AF_INET, SOCK_STREAM, 0)` then `ioctlsocket(FIONBIO, 1)`, as in the lecture. */
function nonBlockingSocket(): SOCKET {
  const clientSocket = socket(AF_INET, SOCK_STREAM, 0);
  if (clientSocket === INVALID_SOCKET) throw winsockError('socket');
  const on = new DWORD(1);
  if (ioctlsocket(clientSocket, FIONBIO, on) === SOCKET_ERROR) {
    const error = winsockError('ioctlsocket');
    closesocket(clientSocket);
    throw error;
  }
  return clientSocket;
}
