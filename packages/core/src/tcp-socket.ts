import {
  AF_INET, DWORD, FIONBIO, INVALID_SOCKET, IPPROTO_TCP, SOCK_STREAM, SOCKET_ERROR, TCP_NODELAY,
  WSA_FLAG_OVERLAPPED, WSASocket, closesocket, ioctlsocket, setsockopt, winsockError, type SOCKET,
} from '@overlapped/winsock-native';

/** Socket helpers that turn Winsock's return codes into thrown WinsockErrors, for setup paths. */

export function openOverlappedTcpSocket(): SOCKET {
  const socket = WSASocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, null, 0, WSA_FLAG_OVERLAPPED);
  if (socket === INVALID_SOCKET) throw winsockError('WSASocket');
  return socket;
}

export function setNonBlocking(socket: SOCKET): void {
  if (ioctlsocket(socket, FIONBIO, new DWORD(1)) === SOCKET_ERROR) throw winsockError('ioctlsocket');
}

export function setSocketOption(socket: SOCKET, level: number, option: number, value: number): void {
  if (setsockopt(socket, level, option, value, 4) === SOCKET_ERROR) throw winsockError('setsockopt');
}

/** Game traffic wants latency, not Nagle's coalescing; the send queue batches on its own. */
export function setNoDelay(socket: SOCKET): void {
  setSocketOption(socket, IPPROTO_TCP, TCP_NODELAY, 1);
}

/** Runs `setup` on a fresh socket, closing the socket if setup throws. */
export function withSocket<T>(socket: SOCKET, setup: (socket: SOCKET) => T): T {
  try {
    return setup(socket);
  } catch (error) {
    closesocket(socket);
    throw error;
  }
}
