import {
  CancelIoEx, ConnectEx, INADDR_ANY, SOCKADDR_IN, SOCKET_ERROR, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT,
  WSA_IO_PENDING, WSA_OPERATION_ABORTED, WSAETIMEDOUT, WSAGetLastError, bind, htonl, setsockopt, type SOCKET,
} from '@overlapped/winsock-native';
import { SOCKADDR_IN_SIZE } from './endpoint.js';
import { IocpEvent } from './iocp-event.js';
import type { IocpStrategy } from './iocp-strategy.js';

/**
 * One ConnectEx attempt (the lessons' Session::RegisterConnect): ConnectEx wants a bound socket, completes
 * through the port, and the connection gets its context with SO_UPDATE_CONNECT_CONTEXT. Resolves with 0 or the
 * Winsock error; past `deadline` the attempt is cancelled and reports WSAETIMEDOUT.
 */
export function connectEx(strategy: IocpStrategy, socket: SOCKET, address: SOCKADDR_IN, deadline: number): Promise<number> {
  const local = new SOCKADDR_IN();
  local.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(socket, local, SOCKADDR_IN_SIZE) === SOCKET_ERROR) return Promise.resolve(WSAGetLastError());
  return new Promise<number>((resolve) => {
    let timedOut = false;
    const event = new IocpEvent('Connect', {
      dispatch(_event, error) {
        clearTimeout(timer);
        if (timedOut && error === WSA_OPERATION_ABORTED) resolve(WSAETIMEDOUT);
        else if (error !== 0) resolve(error);
        else resolve(setsockopt(socket, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0) === SOCKET_ERROR ? WSAGetLastError() : 0);
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      CancelIoEx(socket, event);
    }, Math.max(0, deadline - Date.now()));
    const done = ConnectEx(socket, address, SOCKADDR_IN_SIZE, null, 0, null, event);
    if (!done && WSAGetLastError() !== WSA_IO_PENDING) {
      clearTimeout(timer);
      resolve(WSAGetLastError());
      return;
    }
    strategy.started(event, done);
  });
}
