import {
  AF_INET, DWORD, FIONBIO, INT, INVALID_SOCKET, MAKEWORD, SOCKADDR_IN, SOCKET_ERROR, SOCK_STREAM, SOMAXCONN,
  WSADATA, WSAEWOULDBLOCK, WSAGetLastError, WSAStartup, accept, bind, getEngine, getsockname, htons, inet_pton,
  ioctlsocket, listen, ntohs, socket, winsockError, type SOCKET,
} from '@overlapped/winsock-native';
import { setTimeout as delay } from 'node:timers/promises';
import type { LectureStop } from './lecture-stop.js';

const SOCKADDR_IN_SIZE = 16;

/**
 * The lecture waits for a client with `continue` on WSAEWOULDBLOCK, spinning one core at 100% for as long
 * as nobody connects. A short await between attempts keeps the same non-blocking accept loop, lets the event
 * loop run (Ctrl-C, output) and costs at most this much latency per connection.
 */
const ACCEPT_RETRY_MS = 5;

/**
 * The part both lecture servers share, line by line up to `cout << "Accept"`: WSAStartup, a socket made
 * non-blocking with ioctlsocket(FIONBIO), bind, listen. Where the lecture just `return 0`s on a failure,
 * this throws the WinsockError so the user sees which call failed and why.
 */
export function lectureListen(host: string, port: number): SOCKET {
  const wsaData = new WSADATA();
  const startupError = WSAStartup(MAKEWORD(2, 2), wsaData);
  if (startupError !== 0) throw winsockError('WSAStartup', startupError);

  const listenSocket = socket(AF_INET, SOCK_STREAM, 0);
  if (listenSocket === INVALID_SOCKET) throw winsockError('socket');

  const on = new DWORD(1);
  if (ioctlsocket(listenSocket, FIONBIO, on) === SOCKET_ERROR) throw winsockError('ioctlsocket');

  const serverAddr = new SOCKADDR_IN();
  serverAddr.sin_family = AF_INET;
  // The lecture binds htonl(INADDR_ANY):7777; we bind --host:--port so tests can use loopback and port 0.
  if (inet_pton(AF_INET, host, serverAddr.sin_addr) !== 1) throw new TypeError(`not an IPv4 address: ${host}`);
  serverAddr.sin_port = htons(port);

  if (bind(listenSocket, serverAddr, SOCKADDR_IN_SIZE) === SOCKET_ERROR) throw winsockError('bind');
  if (listen(listenSocket, SOMAXCONN) === SOCKET_ERROR) throw winsockError('listen');

  // Not in the lecture: with --port 0 the bound port is known only now, and tests read it from this line; the
  // engine under winsock-native (io_uring or epoll on Linux) is said once, here.
  const bound = new SOCKADDR_IN();
  if (getsockname(listenSocket, bound, new INT(SOCKADDR_IN_SIZE)) === SOCKET_ERROR) throw winsockError('getsockname');
  console.log(`Listening on ${host}:${ntohs(bound.sin_port)} (engine ${getEngine().name})`);
  console.log('Accept');
  return listenSocket;
}

/** The lecture's inner `while (true)` around accept on the non-blocking listener; null once stopping. */
export async function acceptClient(listenSocket: SOCKET, stop: LectureStop): Promise<SOCKET | null> {
  const clientAddr = new SOCKADDR_IN();
  const addrLen = new INT(SOCKADDR_IN_SIZE);
  while (!stop.isRequested) {
    const clientSocket = accept(listenSocket, clientAddr, addrLen);
    if (clientSocket !== INVALID_SOCKET) return clientSocket;
    if (WSAGetLastError() !== WSAEWOULDBLOCK) throw winsockError('accept');
    await delay(ACCEPT_RETRY_MS);
  }
  return null;
}
