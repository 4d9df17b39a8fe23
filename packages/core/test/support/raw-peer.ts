import {
  AF_INET, INVALID_SOCKET, IPPROTO_TCP, LINGER, SOCKADDR_IN, SOCKET_ERROR, SOCK_STREAM, SOL_SOCKET, SO_LINGER,
  closesocket, connect, htons, inet_pton, setsockopt, socket, winsockError, type SOCKET,
} from '@overlapped/winsock-native';
import type { Endpoint } from '../../src/index.js';

/** A misbehaving peer written with plain Winsock calls: connects (blocking), then does what the test says. */
export function connectRawPeer(endpoint: Endpoint): SOCKET {
  const peer = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (peer === INVALID_SOCKET) throw winsockError('socket');
  const address = new SOCKADDR_IN();
  inet_pton(AF_INET, endpoint.host, address.sin_addr);
  address.sin_port = htons(endpoint.port);
  if (connect(peer, address, 16) === SOCKET_ERROR) throw winsockError('connect');
  return peer;
}

/** SO_LINGER {1, 0} then closesocket: the connection is reset (RST), not closed. */
export function resetRawPeer(peer: SOCKET): void {
  const linger = new LINGER();
  linger.l_onoff = 1;
  linger.l_linger = 0;
  if (setsockopt(peer, SOL_SOCKET, SO_LINGER, linger, 4) === SOCKET_ERROR) throw winsockError('setsockopt');
  if (closesocket(peer) === SOCKET_ERROR) throw winsockError('closesocket');
}
